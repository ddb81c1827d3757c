#include "rollguard/observation.hpp"

#include <gtest/gtest.h>

#include "kube_objects.hpp"
#include "rollguard/cluster_cache.hpp"
#include "rollguard/rollback_patch.hpp"  // both use kube_names.hpp: they must compile in one TU
#include "rollguard/template_hash.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;
using namespace rollguard::testing;

struct Objects {
  json::object d;
  std::vector<json::object> replica_sets;
  std::vector<json::object> pods;

  Observation observe_all() const {
    std::vector<const json::object*> rs, ps;
    for (auto& r : replica_sets) rs.push_back(&r);
    for (auto& p : pods) ps.push_back(&p);
    return observe(d, rs, ps);
  }
};

Objects two_revisions() {
  Objects o;
  o.d = deployment(7, 3, 3, 3);
  o.replica_sets.push_back(replica_set("api-new", 7, "api:7", "new", 3, 3));
  o.replica_sets.push_back(replica_set("api-old", 6, "api:6", "old", 0, 0));
  o.replica_sets.push_back(replica_set("other-x", 9, "other:1", "x", 1, 1, "someone-else"));
  o.pods.push_back(pod("api-new-b", "api-new", "new", true, 0, "10.0.0.2"));
  o.pods.push_back(pod("api-new-a", "api-new", "new", false, 2, "10.0.0.3"));
  o.pods.push_back(pod("api-old-a", "api-old", "old", true, 0));
  return o;
}

TEST(Observe, ReadsTheDeploymentAndItsRevisions) {
  auto obs = two_revisions().observe_all();
  EXPECT_EQ(obs.name, "api");
  EXPECT_EQ(obs.uid, "d-uid");
  EXPECT_EQ(obs.resource_version, "100");
  EXPECT_EQ(obs.generation, 5);
  EXPECT_EQ(obs.observed_generation, 5);
  EXPECT_EQ(obs.desired_replicas, 3);
  EXPECT_EQ(obs.progress_deadline_seconds, 120);
  EXPECT_EQ(obs.current_revision, 7);
  ASSERT_EQ(obs.replica_sets.size(), 2u);  // not the one owned by another Deployment
  EXPECT_EQ(obs.replica_sets[0].name, "api-old");
  EXPECT_EQ(obs.replica_sets[1].name, "api-new");
  EXPECT_EQ(obs.replica_sets[1].pod_template_hash, "new");
  EXPECT_EQ(obs.current_pod_template_hash, "new");
  EXPECT_EQ(obs.current_template_hash, template_hash(pod_template("api:7")));
  EXPECT_EQ(obs.available_revisions(), "6, 7");
  EXPECT_TRUE(obs.rollout_complete());
}

TEST(Observe, PodsOfTheCurrentReplicaSetOnlySortedByName) {
  auto obs = two_revisions().observe_all();
  ASSERT_EQ(obs.pods.size(), 2u);
  EXPECT_EQ(obs.pods[0].name, "api-new-a");
  EXPECT_FALSE(obs.pods[0].ready);
  EXPECT_EQ(obs.pods[0].restarts, 2);
  EXPECT_EQ(obs.pods[0].restarting_container, "app");
  EXPECT_EQ(obs.pods[0].waiting_reason, "CrashLoopBackOff");
  EXPECT_EQ(obs.pods[1].ip, "10.0.0.2");
  EXPECT_TRUE(obs.pods[1].ready);
}

TEST(Observe, TerminatingPodsAreLeftOut) {
  auto o = two_revisions();
  o.pods[0]["metadata"].as_object()["deletionTimestamp"] = "2026-12-01T10:00:00Z";
  auto obs = o.observe_all();
  ASSERT_EQ(obs.pods.size(), 1u);
  EXPECT_EQ(obs.pods[0].name, "api-new-a");
}

TEST(Observe, TemplateFromTheDeploymentWhenPresent) {
  auto o = two_revisions();
  // spec.template changed, the Deployment controller has not acted yet: its hash is the new one.
  o.d = deployment(7, 3, 3, 3, "api:8");
  EXPECT_EQ(o.observe_all().current_template_hash, template_hash(pod_template("api:8")));
  o.d = deployment(7, 3, 3, 3, "api:7");
  EXPECT_EQ(o.observe_all().current_template_hash, template_hash(pod_template("api:7", "new")));
}

TEST(Observe, CachedObjectsKeepTheTemplateHashInsteadOfTheTemplate) {
  auto o = two_revisions();
  const auto expected = o.observe_all();
  for (auto& rs : o.replica_sets) {
    auto cached = cache_replica_set(std::make_shared<const json::object>(rs));
    ASSERT_TRUE(cached);
    EXPECT_FALSE(cached->at("spec").as_object().contains("template"));
    EXPECT_EQ(cached->at("spec").at("replicas"), rs.at("spec").at("replicas"));
    EXPECT_EQ(cached->at(kCachedTemplateHashKey).as_string(),
              template_hash(rs.at("spec").at("template").as_object()));
    rs = *cached;
  }
  // Observed from the cached forms, every revision and the current template read the same.
  EXPECT_EQ(o.observe_all(), expected);
  o.d = *cache_deployment(std::make_shared<const json::object>(o.d));
  EXPECT_FALSE(o.d.at("spec").as_object().contains("template"));
  EXPECT_EQ(o.d.at("spec").at("replicas"), two_revisions().d.at("spec").at("replicas"));
  EXPECT_EQ(o.observe_all(), expected);
  // A new template the Deployment controller has not acted on yet is still seen from the hash.
  o.d = *cache_deployment(std::make_shared<const json::object>(deployment(7, 3, 3, 3, "api:8")));
  EXPECT_EQ(o.observe_all().current_template_hash, template_hash(pod_template("api:8")));
  // An object without a template is cached as it is, without a hash.
  auto bare = two_revisions().replica_sets[0];
  bare["spec"].as_object().erase("template");
  auto cached_bare = cache_replica_set(std::make_shared<const json::object>(bare));
  EXPECT_FALSE(cached_bare->contains(kCachedTemplateHashKey));
  EXPECT_EQ(cache_replica_set(nullptr), nullptr);
}

TEST(Observe, NoReplicaSetOfTheRevisionYet) {
  auto o = two_revisions();
  o.d = deployment(8, 3, 0, 3);
  auto obs = o.observe_all();
  EXPECT_EQ(obs.current_replica_set(), nullptr);
  EXPECT_EQ(obs.current_template_hash, "");
  EXPECT_TRUE(obs.pods.empty());
}

TEST(Observe, Conditions) {
  auto o = two_revisions();
  add_condition(o.d, "Progressing", "False", "ProgressDeadlineExceeded",
                "ReplicaSet \"api-new\" has timed out progressing.");
  add_condition(o.d, "ReplicaFailure", "True", "FailedCreate", "pods \"api\" is forbidden: quota");
  auto obs = o.observe_all();
  EXPECT_TRUE(obs.progress_deadline_exceeded);
  EXPECT_NE(obs.progressing_message.find("timed out"), std::string::npos);
  EXPECT_TRUE(obs.replica_failure);
  EXPECT_EQ(obs.replica_failure_message, "pods \"api\" is forbidden: quota");

  auto p = two_revisions();
  add_condition(p.d, "Progressing", "True", "NewReplicaSetAvailable", "ok");
  EXPECT_FALSE(p.observe_all().progress_deadline_exceeded);
}

TEST(Observe, RolloutCompleteNeedsAllCountsAndTheLatestGeneration) {
  auto o = two_revisions();
  o.d = deployment(7, 3, 2, 3);
  EXPECT_FALSE(o.observe_all().rollout_complete());
  o.d = deployment(7, 3, 3, 2);
  EXPECT_FALSE(o.observe_all().rollout_complete());
  o.d = deployment(7, 3, 3, 3);
  o.d["status"].as_object()["observedGeneration"] = 4;
  EXPECT_FALSE(o.observe_all().rollout_complete());
}

TEST(Observe, JunkObjectsGiveEmptyValues) {
  json::object d =
      json::parse(R"({"metadata":"x","spec":{"replicas":"three","template":7},"status":[]})").as_object();
  json::object rs = json::parse(R"({"metadata":{"ownerReferences":"no"}})").as_object();
  std::vector<const json::object*> replica_sets{&rs, nullptr};
  auto obs = observe(d, replica_sets, {});
  EXPECT_EQ(obs.name, "");
  EXPECT_EQ(obs.current_revision, 0);
  EXPECT_EQ(obs.desired_replicas, 1);
  EXPECT_TRUE(obs.replica_sets.empty());
  EXPECT_EQ(obs.current_template_hash, "");
}

}  // namespace
}  // namespace rollguard
