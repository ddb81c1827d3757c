#include "rollguard/template_hash.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <map>

namespace rollguard {
namespace {

namespace json = boost::json;

std::string hash_of(std::string_view text) { return template_hash(json::parse(text).as_object()); }

// The definition, spelled out slowly: canonical JSON text (sorted keys, Boost.JSON's escaping and
// numbers), then FNV-1a 64.
std::string canonical(const json::value& v) {
  if (v.is_object()) {
    std::map<std::string, const json::value*> sorted;
    for (auto& kv : v.get_object()) sorted[std::string(kv.key())] = &kv.value();
    std::string out = "{";
    for (auto& [k, child] : sorted) {
      if (out.size() > 1) out += ",";
      out += json::serialize(json::value(k)) + ":" + canonical(*child);
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (auto& item : v.get_array()) out += (out.size() > 1 ? "," : "") + canonical(item);
    return out + "]";
  }
  return json::serialize(v);
}

std::string reference_hash(std::string_view text) {
  auto v = json::parse(text);
  if (auto* labels = v.at("metadata").as_object().if_contains("labels"))
    labels->as_object().erase("pod-template-hash");
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : canonical(v)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

TEST(TemplateHash, IsFnv1aOfTheCanonicalJson) {
  const char* templates[] = {
      R"({"metadata":{"labels":{"app":"api","pod-template-hash":"x"}},"spec":{"containers":[{"image":"a:1"}]}})",
      R"({"metadata":{"annotations":{"q":"say \"hi\"\n\ttab\u0001\\ é ✓"}},"spec":{"n":-42,"u":18446744073709551615,
          "f":0.25,"b":true,"z":null,"e":[],"o":{}}})",
  };
  for (auto* t : templates) EXPECT_EQ(hash_of(t), reference_hash(t)) << t;
}

TEST(TemplateHash, SixteenHexDigits) {
  auto h =
      hash_of(R"({"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"a","image":"x:1"}]}})");
  ASSERT_EQ(h.size(), 16u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(TemplateHash, KeyOrderDoesNotMatter) {
  EXPECT_EQ(hash_of(R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"x":1,"y":[1,2]}})"),
            hash_of(R"({"spec":{"y":[1,2],"x":1},"metadata":{"labels":{"b":"2","a":"1"}}})"));
}

TEST(TemplateHash, IgnoresThePodTemplateHashLabelOnly) {
  auto deployment =
      hash_of(R"({"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"image":"x:1"}]}})");
  auto replica_set = hash_of(
      R"({"metadata":{"labels":{"app":"api","pod-template-hash":"5d8f"}},"spec":{"containers":[{"image":"x:1"}]}})");
  EXPECT_EQ(deployment, replica_set);
  // The same key elsewhere is content.
  EXPECT_NE(hash_of(R"({"metadata":{"annotations":{"pod-template-hash":"5d8f"}}})"),
            hash_of(R"({"metadata":{"annotations":{}}})"));
  EXPECT_NE(hash_of(R"({"spec":{"labels":{"pod-template-hash":"1"}}})"),
            hash_of(R"({"spec":{"labels":{}}})"));
}

TEST(TemplateHash, AnyChangeChangesIt) {
  auto base = hash_of(R"({"spec":{"containers":[{"image":"x:1","args":["a","b"]}]}})");
  EXPECT_NE(base, hash_of(R"({"spec":{"containers":[{"image":"x:2","args":["a","b"]}]}})"));
  EXPECT_NE(base, hash_of(R"({"spec":{"containers":[{"image":"x:1","args":["b","a"]}]}})"));
  EXPECT_NE(base, hash_of(R"({"spec":{"containers":[{"image":"x:1","args":["ab"]}]}})"));
  EXPECT_NE(hash_of(R"({"a":"1"})"), hash_of(R"({"a":1})"));
}

}  // namespace
}  // namespace rollguard
