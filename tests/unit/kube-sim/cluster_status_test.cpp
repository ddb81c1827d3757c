// Deployment conditions and status with a fake clock, and pod IP allocation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "deployment_status.hpp"
#include "json_util.hpp"
#include "owner_index.hpp"
#include "pod_ip_allocator.hpp"
#include "targets_file.hpp"

namespace kubesim::cluster {
namespace {
namespace json = boost::json;
using std::chrono::seconds;

const TimePoint t0{seconds(1'800'000'000)};

std::string cond(const json::object& status, const std::string& type, const char* field) {
  const auto* c = find_condition(status.at("conditions").as_array(), type);
  return c ? str_at(*c, {field}) : "<none>";
}

RolloutFacts facts(std::int64_t desired) {
  RolloutFacts f;
  f.desired = desired;
  f.max_unavailable = 0;
  f.progress_deadline_seconds = 10;
  f.new_rs_name = "web-abc";
  f.new_rs_found = true;
  f.generation = 2;
  return f;
}

TEST(ClusterDeploymentStatus, CountsAndObservedGeneration) {
  auto s = next_deployment_status({}, ReplicaCounts{4, 1, 3, 3, 4}, facts(3), t0);
  EXPECT_EQ(s.at("observedGeneration").as_int64(), 2);
  EXPECT_EQ(s.at("replicas").as_int64(), 4);
  EXPECT_EQ(s.at("updatedReplicas").as_int64(), 1);
  EXPECT_EQ(s.at("readyReplicas").as_int64(), 3);
  EXPECT_EQ(s.at("availableReplicas").as_int64(), 3);
  EXPECT_EQ(s.at("unavailableReplicas").as_int64(), 1);
  EXPECT_EQ(cond(s, "Available", "status"), "True");
  EXPECT_EQ(cond(s, "Progressing", "reason"), "FoundNewReplicaSet");
}

TEST(ClusterDeploymentStatus, ProgressThenCompleteKeepsTransitionTime) {
  auto f = facts(3);
  f.new_rs_created = true;
  auto s = next_deployment_status({}, ReplicaCounts{3, 0, 3, 3, 3}, f, t0);
  EXPECT_EQ(cond(s, "Progressing", "reason"), "NewReplicaSetCreated");
  f.new_rs_created = false;
  s = next_deployment_status(s, ReplicaCounts{4, 1, 4, 4, 4}, f, t0 + seconds(5));
  EXPECT_EQ(cond(s, "Progressing", "reason"), "ReplicaSetUpdated");
  EXPECT_EQ(cond(s, "Progressing", "message"), "ReplicaSet \"web-abc\" is progressing.");
  EXPECT_EQ(cond(s, "Progressing", "lastUpdateTime"), "2027-01-15T08:00:05Z");
  EXPECT_EQ(cond(s, "Progressing", "lastTransitionTime"), "2027-01-15T08:00:00Z");
  s = next_deployment_status(s, ReplicaCounts{3, 3, 3, 3, 3}, f, t0 + seconds(8));
  EXPECT_EQ(cond(s, "Progressing", "reason"), "NewReplicaSetAvailable");
  EXPECT_EQ(cond(s, "Progressing", "status"), "True");
  EXPECT_EQ(cond(s, "Progressing", "lastTransitionTime"), "2027-01-15T08:00:00Z");
  // Nothing changes: the same status is returned, timestamps untouched.
  auto again = next_deployment_status(s, ReplicaCounts{3, 3, 3, 3, 3}, f, t0 + seconds(100));
  EXPECT_EQ(canonical_json(again), canonical_json(s));
}

TEST(ClusterDeploymentStatus, NoProgressPastTheDeadlineIsExceeded) {
  auto f = facts(3);
  f.new_rs_created = true;
  auto s = next_deployment_status({}, ReplicaCounts{1, 1, 0, 0, 1}, f, t0);
  f.new_rs_created = false;
  ASSERT_TRUE(progress_deadline(s, f).has_value());
  EXPECT_EQ(*progress_deadline(s, f), t0 + seconds(10));
  s = next_deployment_status(s, ReplicaCounts{1, 1, 0, 0, 1}, f, t0 + seconds(9));
  EXPECT_EQ(cond(s, "Progressing", "status"), "True");
  s = next_deployment_status(s, ReplicaCounts{1, 1, 0, 0, 1}, f, t0 + seconds(11));
  EXPECT_EQ(cond(s, "Progressing", "status"), "False");
  EXPECT_EQ(cond(s, "Progressing", "reason"), "ProgressDeadlineExceeded");
  EXPECT_EQ(cond(s, "Progressing", "message"), "ReplicaSet \"web-abc\" has timed out progressing.");
  EXPECT_EQ(cond(s, "Available", "reason"), "MinimumReplicasUnavailable");
  // Progress afterwards makes it True again.
  s = next_deployment_status(s, ReplicaCounts{1, 1, 1, 1, 1}, f, t0 + seconds(12));
  EXPECT_EQ(cond(s, "Progressing", "reason"), "ReplicaSetUpdated");
  EXPECT_EQ(cond(s, "Progressing", "status"), "True");
}

TEST(ClusterDeploymentStatus, PausedAndResumed) {
  auto f = facts(3);
  f.paused = true;
  auto s = next_deployment_status({}, ReplicaCounts{3, 3, 3, 3, 3}, f, t0);
  EXPECT_EQ(cond(s, "Progressing", "status"), "Unknown");
  EXPECT_EQ(cond(s, "Progressing", "reason"), "DeploymentPaused");
  EXPECT_FALSE(progress_deadline(s, f).has_value());
  f.paused = false;
  s = next_deployment_status(s, ReplicaCounts{3, 3, 3, 3, 3}, f, t0 + seconds(1));
  EXPECT_EQ(cond(s, "Progressing", "reason"), "DeploymentResumed");
  s = next_deployment_status(s, ReplicaCounts{3, 3, 3, 3, 3}, f, t0 + seconds(2));
  EXPECT_EQ(cond(s, "Progressing", "reason"), "NewReplicaSetAvailable");
}

TEST(ClusterDeploymentStatus, SetConditionSemantics) {
  json::array conds;
  EXPECT_TRUE(set_condition(conds, {"Available", "True", "A", "m"}, t0));
  EXPECT_FALSE(set_condition(conds, {"Available", "True", "A", "other message"}, t0 + seconds(1)));
  EXPECT_TRUE(set_condition(conds, {"Available", "True", "B", "m"}, t0 + seconds(2)));
  EXPECT_EQ(str_at(conds[0].as_object(), {"lastTransitionTime"}), "2027-01-15T08:00:00Z");
  EXPECT_TRUE(set_condition(conds, {"Available", "False", "B", "m"}, t0 + seconds(3)));
  EXPECT_EQ(str_at(conds[0].as_object(), {"lastTransitionTime"}), "2027-01-15T08:00:03Z");
  EXPECT_EQ(conds.size(), 1u);
}

TEST(ClusterPodIps, DistinctLoopbackAddressesNeverTheServers) {
  PodIpAllocator ips;
  std::set<std::string> seen;
  for (int i = 0; i < 600; ++i) {
    auto ip = ips.allocate("uid-" + std::to_string(i));
    ASSERT_TRUE(ip.has_value());
    EXPECT_NE(*ip, "127.0.0.1");
    EXPECT_EQ(ip->rfind("127.0.", 0), 0u) << *ip;
    auto last = ip->substr(ip->rfind('.') + 1);
    EXPECT_NE(last, "0");
    EXPECT_NE(last, "255");
    EXPECT_TRUE(seen.insert(*ip).second) << *ip;
  }
  EXPECT_EQ(ips.allocate("uid-7"), ips.allocate("uid-7"));  // stable per pod
}

TEST(ClusterPodIps, ReleasedAndReservedAddresses) {
  PodIpAllocator ips;
  ips.reserve("restored", "127.0.0.2");
  auto a = ips.allocate("new");
  ASSERT_TRUE(a);
  EXPECT_NE(*a, "127.0.0.2");
  ips.reserve("bogus", "10.0.0.1");
  ips.reserve("bogus2", "127.0.0.1");
  EXPECT_EQ(ips.in_use(), 2u);
  ips.release("restored");
  EXPECT_EQ(ips.in_use(), 1u);
}

}  // namespace
}  // namespace kubesim::cluster

namespace kubesim::cluster {
namespace {

std::pair<ObjectKey, ObjectPtr> pod(const std::string& name, const std::string& phase, bool ready,
                                    const std::string& ip, int port) {
  auto o = boost::json::parse(R"({"metadata":{"name":")" + name +
                              R"(","namespace":"prod","labels":{"pod-template-hash":"h1"},
      "ownerReferences":[{"kind":"ReplicaSet","name":"web-h1","uid":"u1","controller":true}]},
      "spec":{"containers":[{"name":"app","ports":[{"containerPort":)" +
                              std::to_string(port) + R"(}]}]},
      "status":{"phase":")" + phase +
                              R"(","podIP":")" + ip + R"(",
      "conditions":[{"type":"Ready","status":")" +
                              (ready ? "True" : "False") + R"("}]}})")
               .as_object();
  return {ObjectKey{"", "pods", "prod", name}, std::make_shared<const boost::json::object>(std::move(o))};
}

TEST(ClusterTargetsFile, ListsRunningReadyPodsWithTheirLabels) {
  std::vector<std::pair<ObjectKey, ObjectPtr>> pods{pod("web-h1-aaaaa", "Running", true, "127.0.0.2", 8080),
                                                    pod("web-h1-bbbbb", "Running", false, "127.0.0.3", 8080),
                                                    pod("web-h1-ccccc", "Pending", false, "", 8080),
                                                    pod("web-h1-ddddd", "Running", true, "127.0.0.5", 0)};
  std::vector<std::string> asked;
  auto out = render_targets(pods, [&](const std::string& ns, const std::string& rs) {
    asked.push_back(ns + "/" + rs);
    return std::string("web");
  });
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(boost::json::serialize(out[0]),
            R"({"targets":["127.0.0.2:8080"],"labels":{"namespace":"prod","pod":"web-h1-aaaaa",)"
            R"("pod_template_hash":"h1","deployment":"web"}})");
  EXPECT_EQ(asked, std::vector<std::string>{"prod/web-h1"});
}

}  // namespace
}  // namespace kubesim::cluster

namespace kubesim::cluster {
namespace {

TEST(ClusterOwnerIndex, FollowsControllerChangesAndDeletions) {
  auto owned_by = [](const std::string& uid) {
    return boost::json::parse(R"({"metadata":{"ownerReferences":[{"kind":"ReplicaSet","uid":")" + uid +
                              R"(","controller":true},{"kind":"Other","uid":"x"}]}})")
        .as_object();
  };
  OwnerIndex index;
  ObjectKey a{"", "pods", "ns", "a"}, b{"", "pods", "ns", "b"};
  auto oa = owned_by("u1"), ob = owned_by("u1"), moved = owned_by("u2");
  index.update(a, &oa);
  index.update(b, &ob);
  EXPECT_EQ(index.dependents("u1"), (std::vector<ObjectKey>{a, b}));
  EXPECT_TRUE(index.dependents("x").empty()) << "only the controlling reference counts";
  index.update(b, &moved);
  EXPECT_EQ(index.dependents("u1"), std::vector<ObjectKey>{a});
  EXPECT_EQ(index.dependents("u2"), std::vector<ObjectKey>{b});
  index.update(a, nullptr);
  EXPECT_TRUE(index.dependents("u1").empty());
  boost::json::object orphaned;
  index.update(b, &orphaned);
  EXPECT_TRUE(index.dependents("u2").empty());
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace kubesim::cluster
