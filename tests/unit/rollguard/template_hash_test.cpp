#include "rollguard/template_hash.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rollguard {
namespace {

namespace json = boost::json;

std::string hash_of(std::string_view text) { return template_hash(json::parse(text).as_object()); }

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
