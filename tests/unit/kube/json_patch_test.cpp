#include "kube/json_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace rollguard::kube {
namespace {
namespace json = boost::json;

TEST(JsonPatchPointer, EscapesTildeAndSlashPerRfc6901) {
  EXPECT_EQ(JsonPatch::pointer({"metadata", "annotations", "kubernetes.io/change-cause"}),
            "/metadata/annotations/kubernetes.io~1change-cause");
  EXPECT_EQ(JsonPatch::escape("a~b"), "a~0b");
  EXPECT_EQ(JsonPatch::escape("a/b/c"), "a~1b~1c");
  // A literal "~1" must not decode back to "/": the tilde is escaped on its own.
  EXPECT_EQ(JsonPatch::escape("~1"), "~01");
  EXPECT_EQ(JsonPatch::escape("~/"), "~0~1");
}

TEST(JsonPatchPointer, EmptyAndOddSegments) {
  EXPECT_EQ(JsonPatch::pointer({}), "");     // the whole document
  EXPECT_EQ(JsonPatch::pointer({""}), "/");  // the key "" of the root
  EXPECT_EQ(JsonPatch::pointer({"spec", "containers", "0"}), "/spec/containers/0");
  EXPECT_EQ(JsonPatch::pointer({"a", "-"}), "/a/-");  // array append stays as is
  EXPECT_EQ(JsonPatch::escape("weiß"), "weiß");       // UTF-8 passes through
}

TEST(JsonPatchOps, EveryOpInOrder) {
  JsonPatch patch;
  patch.test("/metadata/resourceVersion", "42")
      .add("/metadata/labels/x", "1")
      .replace("/spec/replicas", 3)
      .remove("/metadata/annotations/old");
  EXPECT_EQ(patch.size(), 4u);
  EXPECT_EQ(json::parse(patch.body()), json::parse(R"([
    {"op":"test","path":"/metadata/resourceVersion","value":"42"},
    {"op":"add","path":"/metadata/labels/x","value":"1"},
    {"op":"replace","path":"/spec/replicas","value":3},
    {"op":"remove","path":"/metadata/annotations/old"}])"));
}

TEST(JsonPatchOps, RemoveHasNoValueAndNullIsAValue) {
  JsonPatch patch;
  patch.remove("/a").add("/b", json::value(nullptr));
  const auto& ops = patch.ops();
  EXPECT_FALSE(ops.at(0).as_object().contains("value"));
  ASSERT_TRUE(ops.at(1).as_object().contains("value"));
  EXPECT_TRUE(ops.at(1).at("value").is_null());
}

TEST(JsonPatchOps, StructuredValuesAreCopiedWhole) {
  json::value tmpl =
      json::parse(R"({"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c"}]}})");
  JsonPatch patch;
  patch.test("/spec/template", tmpl).replace("/spec/template", tmpl);
  tmpl.as_object()["spec"] = nullptr;  // the patch holds its own copy
  EXPECT_EQ(patch.ops().at(1).at("value").at("spec").at("containers").at(0).at("name"), "c");
}

TEST(JsonPatchOps, ValuesOfEveryJsonShape) {
  const std::string rv = "17";
  JsonPatch patch;
  patch.test("/s", rv).add("/n", 3).add("/d", 0.5).add("/b", true).replace("/o", json::object{{"k", "v"}});
  EXPECT_EQ(json::parse(patch.body()), json::parse(R"([
    {"op":"test","path":"/s","value":"17"}, {"op":"add","path":"/n","value":3},
    {"op":"add","path":"/d","value":0.5}, {"op":"add","path":"/b","value":true},
    {"op":"replace","path":"/o","value":{"k":"v"}}])"));
}

TEST(JsonPatchOps, EmptyPatchIsAnEmptyArray) {
  JsonPatch patch;
  EXPECT_TRUE(patch.empty());
  EXPECT_EQ(patch.body(), "[]");
}

}  // namespace
}  // namespace rollguard::kube
