// kube-sim's cluster controllers end to end, in process: an ApiServer and the Cluster on one
// io_context, driven through ApiServer::handle exactly as the network layer would. Each wait is
// bounded by a generous deadline; nothing asserts how long a step takes.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "cluster_fixture.hpp"
#include "json_util.hpp"

namespace kubesim::cluster {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

// Follows every store change during a rollout: the most pods that existed at once and the fewest
// available replicas the deployment reported.
struct RolloutWatcher : WatchSink {
  explicit RolloutWatcher(std::size_t pods) : current(pods), most_pods(pods) {}
  void on_event(const WatchEvent& e) override {
    if (e.key.resource == "pods") {
      if (e.type == "ADDED") most_pods = std::max(most_pods, ++current);
      if (e.type == "DELETED") --current;
    } else if (e.key.resource == "deployments" && e.object) {
      least_available = std::min(least_available, int_at(*e.object, {"status", "availableReplicas"}, 99));
    }
  }
  std::size_t current, most_pods;
  std::int64_t least_available = 99;
};

class ClusterRollout : public ClusterFixture {
 protected:
  ClusterRollout() : ClusterFixture("token-1", options(), 30s) {}

  static ClusterOptions options() {
    ClusterOptions o;
    o.pod_ready_delay = 30ms;
    o.resync = 500ms;
    return o;
  }

  bool rollout_complete(const std::string& name, std::int64_t replicas) {
    auto d = get("/apis/apps/v1/namespaces/default/deployments/" + name);
    if (int_at(d, {"status", "observedGeneration"}) != int_at(d, {"metadata", "generation"})) return false;
    if (int_at(d, {"status", "updatedReplicas"}) != replicas ||
        int_at(d, {"status", "replicas"}) != replicas ||
        int_at(d, {"status", "availableReplicas"}) != replicas)
      return false;
    const auto* conds = at_path(d, {"status", "conditions"});
    if (!conds || !conds->is_array()) return false;
    for (auto& c : conds->as_array())
      if (str_at(c.as_object(), {"type"}) == "Progressing")
        return str_at(c.as_object(), {"reason"}) == "NewReplicaSetAvailable";
    return false;
  }

  std::string annotation(const json::object& o, const char* key) {
    return str_at(o, {"metadata", "annotations", key});
  }

  static std::string deployment(const std::string& name, int replicas, const std::string& image) {
    return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")" + name +
           R"("},"spec":{"replicas":)" + std::to_string(replicas) + R"(,"selector":{"matchLabels":{"app":")" +
           name + R"("}},"template":{"metadata":{"labels":{"app":")" + name +
           R"("}},"spec":{"containers":[{"name":"app","image":")" + image +
           R"(","ports":[{"containerPort":8080}]}]}}}})";
  }
};

TEST_F(ClusterRollout, CreateUpdateRollbackAndDelete) {
  const std::string dp = "/apis/apps/v1/namespaces/default/deployments/web";
  ASSERT_EQ(
      call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("web", 3, "demo:v1")).status,
      201u);
  ASSERT_TRUE(run_until([&] { return rollout_complete("web", 3); })) << json::serialize(get(dp));

  auto d = get(dp);
  EXPECT_EQ(annotation(d, "deployment.kubernetes.io/revision"), "1");
  auto rss = items("/apis/apps/v1/namespaces/default/replicasets");
  ASSERT_EQ(rss.size(), 1u);
  auto rs1 = rss[0];
  std::string hash = str_at(rs1, {"metadata", "labels", "pod-template-hash"});
  ASSERT_FALSE(hash.empty());
  EXPECT_EQ(str_at(rs1, {"metadata", "name"}), "web-" + hash);
  EXPECT_EQ(str_at(rs1, {"spec", "selector", "matchLabels", "pod-template-hash"}), hash);
  EXPECT_EQ(str_at(rs1, {"spec", "template", "metadata", "labels", "pod-template-hash"}), hash);
  EXPECT_EQ(annotation(rs1, "deployment.kubernetes.io/revision"), "1");
  const auto& ref = rs1["metadata"].as_object()["ownerReferences"].as_array()[0].as_object();
  EXPECT_EQ(str_at(ref, {"uid"}), str_at(d, {"metadata", "uid"}));
  EXPECT_TRUE(bool_at(ref, {"controller"}));
  EXPECT_TRUE(bool_at(ref, {"blockOwnerDeletion"}));
  EXPECT_EQ(int_at(rs1, {"status", "readyReplicas"}), 3);

  auto pods = items("/api/v1/namespaces/default/pods");
  ASSERT_EQ(pods.size(), 3u);
  std::set<std::string> ips;
  for (auto& p : pods) {
    EXPECT_EQ(str_at(p, {"metadata", "name"}).rfind("web-" + hash + "-", 0), 0u);
    EXPECT_EQ(str_at(p, {"spec", "nodeName"}), "kube-sim");
    EXPECT_EQ(str_at(p, {"status", "phase"}), "Running");
    EXPECT_EQ(str_at(p, {"metadata", "labels", "pod-template-hash"}), hash);
    ips.insert(str_at(p, {"status", "podIP"}));
  }
  EXPECT_EQ(ips.size(), 3u);
  EXPECT_EQ(ips.count("127.0.0.1"), 0u);

  // The file_sd targets file lists the three ready pods.
  {
    // Rewritten at the end of the controllers' batch, so it may trail the pods' status briefly.
    std::string text;
    ASSERT_TRUE(run_until([&] {
      std::ifstream f(targets_path_);
      std::stringstream read;
      read << f.rdbuf();
      text = read.str();
      boost::system::error_code ec;
      auto parsed = json::parse(text, ec);
      return !ec && parsed.is_array() && parsed.as_array().size() == 3u;
    })) << text;
    auto targets = json::parse(text).as_array();
    for (auto& t : targets) {
      auto addr = std::string(t.at("targets").as_array()[0].as_string());
      EXPECT_TRUE(ips.count(addr.substr(0, addr.find(':')))) << addr;
      EXPECT_EQ(addr.substr(addr.find(':')), ":8080");
      EXPECT_EQ(t.at("labels").at("deployment").as_string(), "web");
      EXPECT_EQ(t.at("labels").at("pod_template_hash").as_string(), hash);
    }
  }

  // New image: revision 2, old RS scaled to 0.
  ASSERT_EQ(
      call("PATCH", dp, R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"demo:v2"}]}}}})",
           "application/merge-patch+json")
          .status,
      200u);
  // Default strategy, 3 replicas: maxSurge 25% rounds up to 1, maxUnavailable 25% down to 0, so
  // there are never more than 4 pods and never fewer than 3 available — seen on every store event.
  auto watcher = std::make_shared<RolloutWatcher>(api_.store().list("", "pods", "default").size());
  api_.store().subscribe(watcher);
  ASSERT_TRUE(run_until([&] { return rollout_complete("web", 3); })) << json::serialize(get(dp));
  EXPECT_EQ(watcher->most_pods, 4u);
  EXPECT_EQ(watcher->least_available, 3);
  ASSERT_TRUE(run_until([&] { return items("/api/v1/namespaces/default/pods").size() == 3; }));
  EXPECT_EQ(annotation(get(dp), "deployment.kubernetes.io/revision"), "2");
  rss = items("/apis/apps/v1/namespaces/default/replicasets");
  ASSERT_EQ(rss.size(), 2u);
  json::object old_rs, new_rs;
  for (auto& r : rss)
    (str_at(r, {"metadata", "name"}) == str_at(rs1, {"metadata", "name"}) ? old_rs : new_rs) = r;
  EXPECT_EQ(int_at(old_rs, {"spec", "replicas"}, -1), 0);
  EXPECT_EQ(int_at(new_rs, {"spec", "replicas"}), 3);
  EXPECT_EQ(annotation(new_rs, "deployment.kubernetes.io/revision"), "2");

  // Rollback as `kubectl rollout undo --to-revision=1` does it: the deployment's template becomes
  // revision 1's RS template without the hash label (with kubectl's echoes of empty fields).
  json::object tmpl = old_rs["spec"].as_object()["template"].as_object();
  tmpl["metadata"].as_object()["labels"].as_object().erase("pod-template-hash");
  tmpl["metadata"].as_object()["creationTimestamp"] = nullptr;
  tmpl["spec"].as_object()["containers"].as_array()[0].as_object()["resources"] = json::object{};
  json::object patch{{"spec", json::object{{"template", tmpl}}}};
  ASSERT_EQ(call("PATCH", dp, json::serialize(patch), "application/merge-patch+json").status, 200u);
  ASSERT_TRUE(run_until([&] {
    return rollout_complete("web", 3) && annotation(get(dp), "deployment.kubernetes.io/revision") == "3";
  })) << json::serialize(get(dp));
  rss = items("/apis/apps/v1/namespaces/default/replicasets");
  ASSERT_EQ(rss.size(), 2u) << "the old ReplicaSet is reused, not recreated";
  for (auto& r : rss) {
    if (str_at(r, {"metadata", "name"}) == str_at(rs1, {"metadata", "name"})) {
      EXPECT_EQ(annotation(r, "deployment.kubernetes.io/revision"), "3");
      EXPECT_EQ(annotation(r, "deployment.kubernetes.io/revision-history"), "1");
      EXPECT_EQ(int_at(r, {"spec", "replicas"}), 3);
    } else {
      EXPECT_EQ(int_at(r, {"spec", "replicas"}, -1), 0);
    }
  }

  // Delete cascades to ReplicaSets and pods.
  ASSERT_EQ(call("DELETE", dp).status, 200u);
  ASSERT_TRUE(run_until([&] {
    return items("/apis/apps/v1/namespaces/default/replicasets").empty() &&
           items("/api/v1/namespaces/default/pods").empty();
  }));
}

TEST_F(ClusterRollout, ScaleAndRevisionHistoryLimit) {
  const std::string dp = "/apis/apps/v1/namespaces/default/deployments/api";
  ASSERT_EQ(
      call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("api", 2, "demo:v1")).status,
      201u);
  ASSERT_EQ(
      call("PATCH", dp, R"({"spec":{"revisionHistoryLimit":1}})", "application/merge-patch+json").status,
      200u);
  ASSERT_TRUE(run_until([&] { return rollout_complete("api", 2); }));
  for (const char* image : {"demo:v2", "demo:v3"}) {
    std::string body = std::string(R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":")") +
                       image + R"("}]}}}})";
    ASSERT_EQ(call("PATCH", dp, body, "application/merge-patch+json").status, 200u);
    ASSERT_TRUE(run_until([&] { return rollout_complete("api", 2); }));
  }
  // Current RS plus one old one kept.
  ASSERT_TRUE(run_until([&] { return items("/apis/apps/v1/namespaces/default/replicasets").size() == 2; }));
  ASSERT_EQ(call("PATCH", dp, R"({"spec":{"replicas":5}})", "application/merge-patch+json").status, 200u);
  ASSERT_TRUE(run_until([&] { return rollout_complete("api", 5); }));
  ASSERT_TRUE(run_until([&] { return items("/api/v1/namespaces/default/pods").size() == 5; }));
  ASSERT_EQ(call("PATCH", dp, R"({"spec":{"replicas":1}})", "application/merge-patch+json").status, 200u);
  ASSERT_TRUE(run_until([&] { return rollout_complete("api", 1); }));
  ASSERT_TRUE(run_until([&] { return items("/api/v1/namespaces/default/pods").size() == 1; }));
  EXPECT_EQ(annotation(get(dp), "deployment.kubernetes.io/revision"), "3");
}

TEST_F(ClusterRollout, NeverReadyPodsExceedTheProgressDeadline) {
  const std::string dp = "/apis/apps/v1/namespaces/default/deployments/stuck";
  ASSERT_EQ(
      call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("stuck", 1, "demo:never-ready"))
          .status,
      201u);
  ASSERT_EQ(
      call("PATCH", dp, R"({"spec":{"progressDeadlineSeconds":1}})", "application/merge-patch+json").status,
      200u);
  ASSERT_TRUE(run_until([&] {
    auto d = get(dp);
    const auto* conds = at_path(d, {"status", "conditions"});
    if (!conds || !conds->is_array()) return false;
    for (auto& c : conds->as_array())
      if (str_at(c.as_object(), {"type"}) == "Progressing")
        return str_at(c.as_object(), {"reason"}) == "ProgressDeadlineExceeded" &&
               str_at(c.as_object(), {"status"}) == "False";
    return false;
  })) << json::serialize(get(dp));
  auto d = get(dp);
  EXPECT_EQ(int_at(d, {"status", "availableReplicas"}), 0);
  EXPECT_EQ(int_at(d, {"status", "unavailableReplicas"}), 1);
}

TEST_F(ClusterRollout, RecreateAndPausedDeployments) {
  const std::string dp = "/apis/apps/v1/namespaces/default/deployments/rc";
  std::string body = deployment("rc", 2, "demo:v1");
  body.replace(body.find(R"("replicas":2,)"), 13, R"("replicas":2,"strategy":{"type":"Recreate"},)");
  ASSERT_EQ(call("POST", "/apis/apps/v1/namespaces/default/deployments", body).status, 201u);
  ASSERT_TRUE(run_until([&] { return rollout_complete("rc", 2); })) << json::serialize(get(dp));
  ASSERT_EQ(
      call(
          "PATCH", dp,
          R"({"spec":{"paused":true,"template":{"spec":{"containers":[{"name":"app","image":"demo:v2"}]}}}})",
          "application/merge-patch+json")
          .status,
      200u);
  ASSERT_TRUE(run_until([&] {
    auto d = get(dp);
    const auto* conds = at_path(d, {"status", "conditions"});
    if (!conds || !conds->is_array()) return false;
    for (auto& c : conds->as_array())
      if (str_at(c.as_object(), {"type"}) == "Progressing")
        return str_at(c.as_object(), {"reason"}) == "DeploymentPaused";
    return false;
  }));
  EXPECT_EQ(items("/apis/apps/v1/namespaces/default/replicasets").size(), 1u) << "paused: no new ReplicaSet";
  ASSERT_EQ(call("PATCH", dp, R"({"spec":{"paused":false}})", "application/merge-patch+json").status, 200u);
  ASSERT_TRUE(run_until([&] {
    return rollout_complete("rc", 2) && annotation(get(dp), "deployment.kubernetes.io/revision") == "2";
  })) << json::serialize(get(dp));
}

TEST_F(ClusterRollout, JobPodsComplete) {
  const std::string body = R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once"},
    "spec":{"completions":2,"parallelism":1,"template":{"spec":{"restartPolicy":"Never",
    "containers":[{"name":"c","image":"busybox"}]}}}})";
  ASSERT_EQ(call("POST", "/apis/batch/v1/namespaces/default/jobs", body).status, 201u);
  ASSERT_TRUE(run_until([&] {
    auto j = get("/apis/batch/v1/namespaces/default/jobs/once");
    return int_at(j, {"status", "succeeded"}) == 2 && at_path(j, {"status", "completionTime"});
  })) << json::serialize(get("/apis/batch/v1/namespaces/default/jobs/once"));
}

TEST_F(ClusterRollout, OrphanedDependentsAreCollected) {
  // A ReplicaSet whose controlling Deployment (that uid) does not exist, and an unowned one.
  std::string rs =
      R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"NAME","ownerReferences":OWNERS},
    "spec":{"replicas":1,"selector":{"matchLabels":{"app":"NAME"}},
    "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}})";
  auto make = [&](const std::string& name, const std::string& owners) {
    std::string body = rs;
    for (std::size_t p; (p = body.find("NAME")) != std::string::npos;) body.replace(p, 4, name);
    body.replace(body.find("OWNERS"), 6, owners);
    return call("POST", "/apis/apps/v1/namespaces/default/replicasets", body).status;
  };
  ASSERT_EQ(make("orphan", R"([{"apiVersion":"apps/v1","kind":"Deployment","name":"gone","uid":"no-such-uid",
                             "controller":true}])"),
            201u);
  ASSERT_EQ(make("free", "[]"), 201u);
  ASSERT_TRUE(run_until(
      [&] { return call("GET", "/apis/apps/v1/namespaces/default/replicasets/orphan").status == 404; }));
  // The unowned one stays, with its pod.
  EXPECT_EQ(call("GET", "/apis/apps/v1/namespaces/default/replicasets/free").status, 200u);
  ASSERT_TRUE(run_until([&] {
    auto pods = items("/api/v1/namespaces/default/pods");
    return pods.size() == 1 && str_at(pods[0], {"metadata", "name"}).rfind("free-", 0) == 0;
  }));
}

}  // namespace
}  // namespace kubesim::cluster
