#include "kube/object_meta.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

namespace rollguard::kube {
namespace {
namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

const json::object kDeployment = parse(R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "api", "namespace": "prod", "uid": "u-1", "resourceVersion": "17",
               "generation": 4, "labels": {"app": "api"},
               "annotations": {"deployment.kubernetes.io/revision": "3"},
               "ownerReferences": [
                 {"apiVersion": "rollguard.io/v1alpha1", "kind": "RollbackPolicy", "name": "p", "uid": "u-p"},
                 {"apiVersion": "v1", "kind": "Thing", "name": "t", "uid": "u-t", "controller": true,
                  "blockOwnerDeletion": true}]}})");

TEST(ObjectMeta, PresentFields) {
  EXPECT_EQ(meta::name(kDeployment), "api");
  EXPECT_EQ(meta::namespace_of(kDeployment), "prod");
  EXPECT_EQ(meta::uid(kDeployment), "u-1");
  EXPECT_EQ(meta::resource_version(kDeployment), "17");
  EXPECT_EQ(meta::generation(kDeployment), 4);
  EXPECT_EQ(meta::api_version(kDeployment), "apps/v1");
  EXPECT_EQ(meta::kind(kDeployment), "Deployment");
  ASSERT_NE(meta::labels(kDeployment), nullptr);
  EXPECT_EQ(meta::label(kDeployment, "app"), "api");
  EXPECT_EQ(meta::annotation(kDeployment, "deployment.kubernetes.io/revision"), "3");
  EXPECT_FALSE(meta::is_being_deleted(kDeployment));
}

TEST(ObjectMeta, OwnerReferencesAndController) {
  auto refs = meta::owner_references(kDeployment);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].kind, "RollbackPolicy");
  EXPECT_EQ(refs[0].group(), "rollguard.io");
  EXPECT_FALSE(refs[0].controller);
  EXPECT_EQ(refs[1].group(), "");  // "v1" is the core group
  EXPECT_TRUE(refs[1].block_owner_deletion);
  auto controller = meta::controller_of(kDeployment);
  ASSERT_TRUE(controller);
  EXPECT_EQ(controller->name, "t");
}

TEST(ObjectMeta, MissingFieldsAnswerEmpty) {
  for (const auto& object : {parse("{}"), parse(R"({"metadata": {}})")}) {
    EXPECT_EQ(meta::name(object), "");
    EXPECT_EQ(meta::namespace_of(object), "");
    EXPECT_EQ(meta::uid(object), "");
    EXPECT_EQ(meta::resource_version(object), "");
    EXPECT_EQ(meta::generation(object), 0);
    EXPECT_EQ(meta::labels(object), nullptr);
    EXPECT_EQ(meta::annotations(object), nullptr);
    EXPECT_EQ(meta::label(object, "app"), std::nullopt);
    EXPECT_EQ(meta::annotation(object, "a"), std::nullopt);
    EXPECT_TRUE(meta::owner_references(object).empty());
    EXPECT_EQ(meta::controller_of(object), std::nullopt);
    EXPECT_FALSE(meta::is_being_deleted(object));
  }
  EXPECT_EQ(meta::metadata(parse("{}")), nullptr);
}

TEST(ObjectMeta, MistypedFieldsAnswerEmpty) {
  EXPECT_EQ(meta::metadata(parse(R"({"metadata": "x"})")), nullptr);
  EXPECT_EQ(meta::name(parse(R"({"metadata": []})")), "");
  const auto junk = parse(R"({"apiVersion": 1, "metadata": {
    "name": 7, "namespace": null, "uid": {}, "resourceVersion": 17, "generation": "4",
    "labels": ["app"], "annotations": {"a": 1}, "ownerReferences": {"name": "x"},
    "deletionTimestamp": 5}})");
  EXPECT_EQ(meta::api_version(junk), "");
  EXPECT_EQ(meta::name(junk), "");
  EXPECT_EQ(meta::namespace_of(junk), "");
  EXPECT_EQ(meta::uid(junk), "");
  EXPECT_EQ(meta::resource_version(junk), "");
  EXPECT_EQ(meta::generation(junk), 0);
  EXPECT_EQ(meta::labels(junk), nullptr);
  ASSERT_NE(meta::annotations(junk), nullptr);
  EXPECT_EQ(meta::annotation(junk, "a"), std::nullopt);  // present but not a string
  EXPECT_TRUE(meta::owner_references(junk).empty());
  EXPECT_FALSE(meta::is_being_deleted(junk));
}

TEST(ObjectMeta, JunkOwnerReferencesAreSkippedOrDefaulted) {
  const auto object = parse(R"({"metadata": {"ownerReferences": [
    3, {"kind": 1, "name": "n", "controller": "true"}, {"name": "c", "controller": true}]}})");
  auto refs = meta::owner_references(object);
  ASSERT_EQ(refs.size(), 2u);  // the number is skipped
  EXPECT_EQ(refs[0].kind, "");
  EXPECT_FALSE(refs[0].controller);  // "true" as a string is not true
  EXPECT_EQ(meta::controller_of(object)->name, "c");
}

TEST(ObjectMeta, GenerationAsUnsignedAndDeletion) {
  const auto object = parse(R"({"metadata": {"generation": 18446744073709551615,
                                              "deletionTimestamp": "2026-12-01T00:00:00Z"}})");
  EXPECT_EQ(meta::generation(object), std::numeric_limits<std::int64_t>::max());  // clamped, not wrapped
  EXPECT_TRUE(meta::is_being_deleted(object));
  EXPECT_FALSE(meta::is_being_deleted(parse(R"({"metadata": {"deletionTimestamp": ""}})")));
}

}  // namespace
}  // namespace rollguard::kube
