// Hostile inputs: every prefix of valid expressions and every pairing of mismatched JSON shapes
// must produce a value or a 400/422 error, never a crash (run under ASan/UBSan to catch UB).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apimachinery/json_merge_patch.hpp"
#include "apimachinery/json_patch.hpp"
#include "apimachinery/jsonpath.hpp"
#include "apimachinery/managed_fields.hpp"
#include "apimachinery/schema.hpp"
#include "apimachinery/selectors.hpp"
#include "apimachinery/strategic_merge_patch.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

std::vector<std::string> prefixes(std::initializer_list<std::string_view> texts) {
  std::vector<std::string> out;
  for (auto t : texts)
    for (std::size_t n = 0; n <= t.size(); ++n) out.emplace_back(t.substr(0, n));
  return out;
}

template <class T>
void expect_value_or_client_error(const Result<T>& r, const std::string& input) {
  if (!r) {
    EXPECT_TRUE(r.error().code == 400 || r.error().code == 422) << input << ": " << r.error().code;
  }
}

TEST(ApimachineryRobustness, SelectorPrefixes) {
  for (const auto& s :
       prefixes({"a.b/c-d in (x, y),!e,f!=g,h==i,j notin (k)", R"(metadata.name=a\,b,x!=y)"})) {
    expect_value_or_client_error(parse_label_selector(s), s);
    std::vector<std::string> extra{"x"};
    expect_value_or_client_error(parse_field_selector(s, extra), s);
  }
}

TEST(ApimachineryRobustness, JsonPathPrefixes) {
  auto doc = json::parse(R"({"a":[{"t":"R","s":1}],"b":{"c.d":2}})");
  for (const auto& s : prefixes({R"({$.a[?(@.t=="R")].s})", ".b['c.d']", ".a[-1:5].s", "..s", ".a[*].*"})) {
    auto p = parse_jsonpath(s);
    expect_value_or_client_error(p, s);
    if (p) (void)p->evaluate(doc);
  }
}

const std::vector<json::value>& shapes() {
  static const std::vector<json::value> v = {
      json::parse("null"),
      json::parse("1"),
      json::parse(R"("s")"),
      json::parse("[]"),
      json::parse("[1,{},null]"),
      json::parse("{}"),
      json::parse(R"({"spec":[1]})"),
      json::parse(R"({"metadata":{"managedFields":[1,{"fieldsV1":"x"}],"finalizers":"x"}})"),
      json::parse(R"({"spec":{"template":{"spec":{"containers":["x",{"name":1},{"$patch":"delete"}]}}}})"),
      json::parse(
          R"({"spec":{"$setElementOrder/template":[1],"$deleteFromPrimitiveList/x":[1],"$retainKeys":[]}})"),
      json::parse(R"([{"op":"add","path":"/spec/-","value":1},{"op":"move","from":"/spec","path":""}])"),
  };
  return v;
}

TEST(ApimachineryRobustness, PatchesOnMismatchedShapes) {
  const auto& meta = builtin_patch_meta("Deployment");
  for (const auto& a : shapes()) {
    for (const auto& b : shapes()) {
      (void)apply_merge_patch(a, b);
      expect_value_or_client_error(apply_json_patch(a, b), "json patch");
      expect_value_or_client_error(apply_strategic_merge_patch(a, b, meta), "smp");
      ApplyRequest req;
      req.live = &a;
      req.applied = &b;
      req.manager = "m";
      req.meta = &meta;
      auto applied = server_side_apply(req);
      if (!applied) {
        EXPECT_TRUE(applied.error().code == 400 || applied.error().code == 409);
      }
      (void)record_update(&a, b, "m", &meta, "v1", "t");
      json::value copy = b;
      (void)prune_unknown_fields(copy, a);
      apply_schema_defaults(copy, a);
      (void)validate_schema(a, b);
    }
  }
}

}  // namespace
}  // namespace kubesim::apimachinery
