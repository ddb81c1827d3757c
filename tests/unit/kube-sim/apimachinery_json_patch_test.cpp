#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "apimachinery/json_patch.hpp"

namespace kubesim::apimachinery {
namespace {

struct PatchCase {
  const char* name;
  const char* target;
  const char* patch;
  const char* expected;  // nullptr: the patch must fail
  int code = 0;          // expected error code when failing
};

class ApimachineryJsonPatchTest : public ::testing::TestWithParam<PatchCase> {};

TEST_P(ApimachineryJsonPatchTest, Applies) {
  const auto& c = GetParam();
  auto out = apply_json_patch(boost::json::parse(c.target), boost::json::parse(c.patch));
  if (c.expected == nullptr) {
    ASSERT_FALSE(out.has_value()) << boost::json::serialize(*out);
    EXPECT_EQ(out.error().code, c.code) << out.error().message;
    return;
  }
  ASSERT_TRUE(out.has_value()) << out.error().message
                               << (out.error().causes.empty() ? "" : out.error().causes[0].message);
  EXPECT_EQ(*out, boost::json::parse(c.expected)) << boost::json::serialize(*out);
}

// RFC 6902 Appendix A examples (A.1-A.16), then Kubernetes-flavoured cases.
INSTANTIATE_TEST_SUITE_P(
    Rfc6902, ApimachineryJsonPatchTest,
    ::testing::Values(
        PatchCase{"A1_add_member", R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
                  R"({"baz":"qux","foo":"bar"})"},
        PatchCase{"A2_add_array_element", R"({"foo":["bar","baz"]})",
                  R"([{"op":"add","path":"/foo/1","value":"qux"}])", R"({"foo":["bar","qux","baz"]})"},
        PatchCase{"A3_remove_member", R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])",
                  R"({"foo":"bar"})"},
        PatchCase{"A4_remove_element", R"({"foo":["bar","qux","baz"]})",
                  R"([{"op":"remove","path":"/foo/1"}])", R"({"foo":["bar","baz"]})"},
        PatchCase{"A5_replace", R"({"baz":"qux","foo":"bar"})",
                  R"([{"op":"replace","path":"/baz","value":"boo"}])", R"({"baz":"boo","foo":"bar"})"},
        PatchCase{"A6_move_value", R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                  R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
                  R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
        PatchCase{"A7_move_element", R"({"foo":["all","grass","cows","eat"]})",
                  R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
                  R"({"foo":["all","cows","eat","grass"]})"},
        PatchCase{"A8_test_success", R"({"baz":"qux","foo":["a",2,"c"]})",
                  R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
                  R"({"baz":"qux","foo":["a",2,"c"]})"},
        PatchCase{"A9_test_failure", R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])",
                  nullptr, 422},
        PatchCase{"A10_add_nested", R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
                  R"({"foo":"bar","child":{"grandchild":{}}})"},
        PatchCase{"A11_ignore_unknown_members", R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])", R"({"foo":"bar","baz":"qux"})"},
        PatchCase{"A12_add_to_missing_parent", R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/baz/bat","value":"qux"}])", nullptr, 400},
        PatchCase{"A14_escape", R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])",
                  R"({"/":9,"~1":10})"},
        PatchCase{"A14_escape_slash", R"({"/":9,"~1":10})", R"([{"op":"replace","path":"/~1","value":1}])",
                  R"({"/":1,"~1":10})"},
        PatchCase{"A15_compare_string_number", R"({"/":9,"~1":10})",
                  R"([{"op":"test","path":"/~01","value":"10"}])", nullptr, 422},
        PatchCase{"A16_add_array_value", R"({"foo":["bar"]})",
                  R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
                  R"({"foo":["bar",["abc","def"]]})"},
        PatchCase{"test_number_by_value", R"({"a":{"n":1,"l":[2.0]}})",
                  R"([{"op":"test","path":"/a","value":{"l":[2],"n":1.0}}])", R"({"a":{"n":1,"l":[2.0]}})"},
        PatchCase{"test_object_differs", R"({"a":{"n":1}})",
                  R"([{"op":"test","path":"/a","value":{"n":1,"m":2}}])", nullptr, 422},
        PatchCase{"copy", R"({"a":{"x":1}})", R"([{"op":"copy","from":"/a","path":"/b"}])",
                  R"({"a":{"x":1},"b":{"x":1}})"},
        PatchCase{"replace_root", R"({"a":1})", R"([{"op":"replace","path":"","value":[1]}])", "[1]"},
        PatchCase{"remove_missing", R"({"a":1})", R"([{"op":"remove","path":"/b"}])", nullptr, 400},
        PatchCase{"replace_missing", R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])", nullptr,
                  400},
        PatchCase{"index_out_of_range", R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":2}])", nullptr,
                  400},
        PatchCase{"leading_zero_index", R"({"a":[1,2]})", R"([{"op":"remove","path":"/a/01"}])", nullptr,
                  400},
        PatchCase{"move_into_child", R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/a/c"}])",
                  nullptr, 400},
        PatchCase{"atomic_on_failure", R"({"a":1})",
                  R"([{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}])", nullptr,
                  422},
        PatchCase{"not_an_array", R"({"a":1})", R"({"op":"add"})", nullptr, 400},
        PatchCase{"unknown_op", R"({"a":1})", R"([{"op":"frob","path":"/a"}])", nullptr, 400},
        PatchCase{"missing_value", R"({"a":1})", R"([{"op":"add","path":"/a"}])", nullptr, 400},
        PatchCase{"missing_from", R"({"a":1})", R"([{"op":"move","path":"/a"}])", nullptr, 400},
        PatchCase{"bad_pointer", R"({"a":1})", R"([{"op":"remove","path":"a"}])", nullptr, 400},
        PatchCase{"bad_escape", R"({"a":1})", R"([{"op":"remove","path":"/a~2"}])", nullptr, 400},
        PatchCase{"finalizer_guard", R"({"metadata":{"finalizers":["x","y"]}})",
                  R"([{"op":"test","path":"/metadata/finalizers","value":["x","y"]},
                      {"op":"remove","path":"/metadata/finalizers/0"}])",
                  R"({"metadata":{"finalizers":["y"]}})"},
        PatchCase{"label_with_slash", R"({"metadata":{"labels":{}}})",
                  R"([{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}])",
                  R"({"metadata":{"labels":{"app.kubernetes.io/name":"web"}}})"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ApimachineryJsonPatch, FailureNamesOperationAndPath) {
  auto out = apply_json_patch(
      boost::json::parse(R"({"a":1})"),
      boost::json::parse(R"([{"op":"add","path":"/b","value":1},{"op":"remove","path":"/zz"}])"));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().reason, "BadRequest");
  EXPECT_EQ(out.error().message, R"(jsonpatch remove operation does not apply: doc is missing path: "/zz")");
  ASSERT_EQ(out.error().causes.size(), 1u);
  EXPECT_EQ(out.error().causes[0].message, "operation 1");
  EXPECT_EQ(out.error().causes[0].field, "/zz");
}

// A stale guard (`test`) is what makes a finalizer-removal patch safe; upstream answers it with a
// bare 422 Invalid.
TEST(ApimachineryJsonPatch, FailedTestIsInvalidWithoutCauses) {
  auto out =
      apply_json_patch(boost::json::parse(R"({"metadata":{"finalizers":["a"]}})"),
                       boost::json::parse(R"([{"op":"test","path":"/metadata/finalizers","value":["b"]},
                                                     {"op":"remove","path":"/metadata/finalizers/0"}])"));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, 422);
  EXPECT_EQ(out.error().reason, "Invalid");
  EXPECT_EQ(out.error().message, "the server rejected our request due to an error in our request");
  EXPECT_TRUE(out.error().causes.empty());
}

}  // namespace
}  // namespace kubesim::apimachinery
