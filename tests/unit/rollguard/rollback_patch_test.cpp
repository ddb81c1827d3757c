// The rollback / hold / release JSON Patches: what kubectl rollout undo restores, plus the
// resourceVersion precondition and the annotations rollguard keeps and adds.
#include "rollguard/rollback_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "kube_objects.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;
using testing::deployment;
using testing::replica_set;

const json::object& op_at(const json::array& patch, std::size_t i) { return patch.at(i).as_object(); }

TEST(RollbackPatch, TestsTheResourceVersionThenRestoresTheTemplateWithoutPodTemplateHash) {
  auto d = deployment(7, 2, 2, 2, "api:v7");
  d["metadata"].as_object()["annotations"] = json::object{{"owner", "team-a"}};
  auto rs = replica_set("api-6", 6, "api:v6", "abc123", 0, 0);
  auto patch = rollback_patch(d, rs, "rolled back 7 -> 6", "prod/api");
  ASSERT_TRUE(patch);
  ASSERT_EQ(patch->size(), 4u);
  EXPECT_EQ(op_at(*patch, 0).at("op"), "test");
  EXPECT_EQ(op_at(*patch, 0).at("path"), "/metadata/resourceVersion");
  EXPECT_EQ(op_at(*patch, 0).at("value"), "100");
  EXPECT_EQ(op_at(*patch, 1).at("path"), "/spec/template");
  const auto& labels = op_at(*patch, 1).at("value").at("metadata").at("labels").as_object();
  EXPECT_FALSE(labels.contains("pod-template-hash"));
  EXPECT_EQ(labels.at("app"), "api");
  EXPECT_EQ(op_at(*patch, 1).at("value").at("spec").at("containers").at(0).at("image"), "api:v6");
  // The Deployment's own annotations are kept: the patch only adds rollguard's two.
  EXPECT_EQ(op_at(*patch, 2).at("path"), "/metadata/annotations/kubernetes.io~1change-cause");
  EXPECT_EQ(op_at(*patch, 2).at("value"), "rolled back 7 -> 6");
  EXPECT_EQ(op_at(*patch, 3).at("path"), "/metadata/annotations/rollguard.io~1rolled-back-by");
  EXPECT_EQ(op_at(*patch, 3).at("value"), "prod/api");
  // The ReplicaSet itself is not modified.
  EXPECT_TRUE(
      rs.at("spec").at("template").at("metadata").at("labels").as_object().contains("pod-template-hash"));
}

TEST(RollbackPatch, CreatesTheAnnotationsMapWhenTheDeploymentHasNone) {
  auto d = deployment(2, 1, 1, 1);
  d["metadata"].as_object().erase("annotations");
  auto patch = rollback_patch(d, replica_set("api-1", 1, "api:v1", "h1", 0, 0), "cause", "prod/api");
  ASSERT_TRUE(patch);
  ASSERT_EQ(patch->size(), 5u);
  EXPECT_EQ(op_at(*patch, 2).at("path"), "/metadata/annotations");
  EXPECT_TRUE(op_at(*patch, 2).at("value").as_object().empty());
  // Only once, before the first annotation.
  EXPECT_EQ(op_at(*patch, 3).at("path"), "/metadata/annotations/kubernetes.io~1change-cause");
}

TEST(RollbackPatch, NothingSafeToSendWithoutTemplateOrResourceVersion) {
  auto d = deployment(2, 1, 1, 1);
  auto rs = replica_set("api-1", 1, "api:v1", "h1", 0, 0);
  rs["spec"].as_object().erase("template");
  EXPECT_FALSE(rollback_patch(d, rs, "c", "p"));
  auto no_rv = deployment(2, 1, 1, 1);
  no_rv["metadata"].as_object().erase("resourceVersion");
  EXPECT_FALSE(rollback_patch(no_rv, replica_set("api-1", 1, "api:v1", "h1", 0, 0), "c", "p"));
}

TEST(HoldPatch, PausesWithTheReasonAndReleaseOnlyUndoesRollguardsOwnHold) {
  auto d = deployment(3, 1, 1, 1);
  auto hold = hold_patch(d, "revision 3 was rejected", "prod/api");
  ASSERT_TRUE(hold);
  EXPECT_EQ(op_at(*hold, 0).at("op"), "test");
  EXPECT_EQ(op_at(*hold, 1).at("path"), "/spec/paused");
  EXPECT_EQ(op_at(*hold, 1).at("value"), true);
  EXPECT_EQ(hold->back().as_object().at("path"), "/metadata/annotations/rollguard.io~1held-by");
  EXPECT_EQ(hold->back().as_object().at("value"), "prod/api: revision 3 was rejected");

  // A Deployment paused by a person carries no held-by annotation: rollguard never resumes it.
  EXPECT_FALSE(release_patch(d));
  d["metadata"].as_object()["annotations"].as_object()["rollguard.io/held-by"] = "prod/api: x";
  auto release = release_patch(d);
  ASSERT_TRUE(release);
  EXPECT_EQ(op_at(*release, 1).at("value"), false);
  EXPECT_EQ(op_at(*release, 2).at("op"), "remove");
  EXPECT_EQ(op_at(*release, 2).at("path"), "/metadata/annotations/rollguard.io~1held-by");
}

TEST(DeploymentTemplateFrom, DropsOnlyThePodTemplateHashLabel) {
  auto tmpl = deployment_template_from(replica_set("api-1", 1, "api:v1", "h1", 0, 0));
  ASSERT_TRUE(tmpl);
  EXPECT_EQ(tmpl->at("metadata").at("labels").as_object().size(), 1u);
  EXPECT_FALSE(deployment_template_from(json::object{{"spec", json::object{}}}));
}

}  // namespace
}  // namespace rollguard
