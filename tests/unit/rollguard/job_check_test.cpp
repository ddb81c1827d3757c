// run_job_check against a scripted API client and a hand-filled cache: when a check Job is
// created (and when not), what a 409 or a refusal means, and which old Jobs are deleted, how.
#include "rollguard/job_check.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>

#include "rollguard/job_slo.hpp"
#include "unit/rollguard-measure/test_http_server_run.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;
using runtime::ObjectPtr;

// Answers every request with `status` (2xx: `{}`; else a Status error) and records it.
class ScriptedClient : public kube::Client {
 public:
  int status = 201;
  std::string reason = "Created";
  std::vector<kube::Request> requests;

  boost::asio::awaitable<kube::Result<kube::Response>> send(kube::Request request) override {
    requests.push_back(request);
    if (status >= 300) {
      kube::Status s;
      s.code = status;
      s.status = "Failure";
      s.reason = reason;
      s.message = "scripted " + reason;
      co_return kube::Error::from_status(s);
    }
    co_return kube::Response{status, "{}", "application/json", {}};
  }
  boost::asio::awaitable<kube::Result<std::unique_ptr<kube::WatchStream>>> open_watch(
      kube::Request) override {
    co_return kube::Error(kube::ErrorKind::Invalid, "no watches here");
  }
};

class FakeCluster : public ClusterView {
 public:
  std::map<std::string, ObjectPtr> jobs;  // by name, all of policy "api", SLO "smoke"
  ObjectPtr policy(std::string_view, std::string_view) const override { return nullptr; }
  ObjectPtr deployment(std::string_view, std::string_view) const override { return nullptr; }
  std::vector<ObjectPtr> replica_sets_of(std::string_view, std::string_view) const override { return {}; }
  std::vector<ObjectPtr> pods_of(std::string_view, std::string_view) const override { return {}; }
  std::vector<ObjectPtr> policies_targeting(std::string_view, std::string_view) const override { return {}; }
  std::vector<ObjectPtr> deployments_in(std::string_view) const override { return {}; }
  ObjectPtr job(std::string_view, std::string_view name) const override {
    auto it = jobs.find(std::string(name));
    return it == jobs.end() ? nullptr : it->second;
  }
  std::vector<ObjectPtr> check_jobs(std::string_view, std::string_view, std::string_view) const override {
    std::vector<ObjectPtr> out;
    for (auto& [name, job] : jobs) out.push_back(job);
    return out;
  }
  void add(const std::string& name, const std::string& created, const std::string& condition = "",
           const std::string& deployment = "") {
    json::object job{{"metadata", json::object{{"name", name}, {"creationTimestamp", created}}}};
    if (!deployment.empty())
      job["metadata"].as_object()["labels"] = json::object{{"rollguard.io/deployment", deployment}};
    if (!condition.empty())
      job["status"] =
          json::object{{"conditions", json::array{json::object{{"type", condition}, {"status", "True"}}}}};
    jobs[name] = std::make_shared<const json::object>(std::move(job));
  }
};

class JobCheck : public ::testing::Test {
 protected:
  JobCheck() {
    request.client = client;
    request.cluster = &cluster;
    request.may_write = [this] { return leader; };
    request.policy.name = "api";
    request.policy.ns = "prod";
    request.policy.uid = "u-1";
    request.policy.target_name = "api";
    JobSlo slo;
    slo.keep = 2;
    slo.template_json = R"({"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}})";
    request.slo = Slo{"smoke", slo};
    request.context.ns = "prod";
    request.context.revision = 4;
    request.context.pod_template_hash = "h4";
    request.rollout_complete = true;
  }
  Measurement check() { return measure::testing::run(io, run_job_check(request)); }
  std::vector<std::string> sent() const {
    std::vector<std::string> out;
    for (auto& r : client->requests) out.push_back(std::string(kube::to_string(r.method)) + " " + r.target);
    return out;
  }

  boost::asio::io_context io;
  std::shared_ptr<ScriptedClient> client = std::make_shared<ScriptedClient>();
  FakeCluster cluster;
  bool leader = true;
  JobCheckRequest request;
};

TEST_F(JobCheck, CreatesTheRevisionsJobOnceTheRolloutIsComplete) {
  auto m = check();
  EXPECT_EQ(m.slo, "smoke");
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_TRUE(m.pending);
  EXPECT_EQ(m.message, "check job api-smoke-h4 created");
  ASSERT_EQ(sent(),
            (std::vector<std::string>{"POST /apis/batch/v1/namespaces/prod/jobs?fieldManager=rollguard"}));
  auto body = json::parse(client->requests[0].body).as_object();
  EXPECT_EQ(body.at("metadata").at("name"), "api-smoke-h4");
  EXPECT_EQ(body.at("metadata").at("labels").at("rollguard.io/revision"), "4");
}

TEST_F(JobCheck, AlreadyExistsIsTheSameCheck) {
  client->status = 409;
  client->reason = "AlreadyExists";
  auto m = check();
  EXPECT_TRUE(m.pending);
  EXPECT_EQ(m.message, "check job api-smoke-h4 exists, waiting for it in the cache");
}

TEST_F(JobCheck, ARefusalCountsAsInconclusive) {
  client->status = 403;
  client->reason = "Forbidden";
  auto m = check();
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_FALSE(m.pending);
  EXPECT_NE(m.message.find("creating check job api-smoke-h4: "), std::string::npos) << m.message;
  EXPECT_NE(m.message.find("scripted Forbidden"), std::string::npos) << m.message;
}

TEST_F(JobCheck, NothingIsCreatedBeforeTheRolloutCompletesOrWhenNotTheLeader) {
  request.rollout_complete = false;
  auto waiting = check();
  EXPECT_TRUE(waiting.pending);
  EXPECT_NE(waiting.message.find("waiting for the rollout of revision 4"), std::string::npos);
  request.rollout_stuck = true;
  auto stuck = check();
  EXPECT_FALSE(stuck.pending);
  EXPECT_NE(stuck.message.find("exceeded its progress deadline"), std::string::npos);
  request.rollout_complete = true;
  leader = false;
  EXPECT_TRUE(check().pending);
  EXPECT_TRUE(client->requests.empty());
}

TEST_F(JobCheck, APassedRevisionWhoseJobIsGoneIsNotRunAgain) {
  request.passed_before = true;
  auto m = check();
  EXPECT_EQ(m.result, SloResult::Pass);
  EXPECT_TRUE(client->requests.empty());
}

TEST_F(JobCheck, ReadsTheCachedJobAndDeletesTheOnesBeyondKeep) {
  cluster.add("api-smoke-h1", "2025-12-01T10:00:00Z", "Complete");
  cluster.add("api-smoke-h2", "2025-12-01T10:01:00Z", "Failed");
  cluster.add("api-smoke-h3", "2025-12-01T10:02:00Z", "Complete");
  cluster.add("api-smoke-h4", "2025-12-01T10:03:00Z", "Complete");
  client->status = 200;
  auto m = check();
  EXPECT_EQ(m.result, SloResult::Pass);
  EXPECT_EQ(sent(), (std::vector<std::string>{"DELETE /apis/batch/v1/namespaces/prod/jobs/api-smoke-h2",
                                              "DELETE /apis/batch/v1/namespaces/prod/jobs/api-smoke-h1"}));
  EXPECT_NE(client->requests[0].body.find("\"propagationPolicy\":\"Background\""), std::string::npos)
      << client->requests[0].body;
  // Not the leader: nothing is deleted.
  client->requests.clear();
  leader = false;
  check();
  EXPECT_TRUE(client->requests.empty());
}

// A grouped policy's targets share the policy and SLO labels: only this Deployment's Jobs are pruned.
TEST_F(JobCheck, PrunesOnlyTheChecksOfItsOwnDeployment) {
  cluster.add("api-smoke-w1", "2025-12-01T09:00:00Z", "Complete", "web");
  cluster.add("api-smoke-w2", "2025-12-01T09:01:00Z", "Complete", "web");
  cluster.add("api-smoke-h2", "2025-12-01T10:01:00Z", "Failed", "api");
  cluster.add("api-smoke-h3", "2025-12-01T10:02:00Z", "Complete", "api");
  cluster.add("api-smoke-h4", "2025-12-01T10:03:00Z", "Complete", "api");
  client->status = 200;
  EXPECT_EQ(check().result, SloResult::Pass);
  EXPECT_EQ(sent(), (std::vector<std::string>{"DELETE /apis/batch/v1/namespaces/prod/jobs/api-smoke-h2"}));
}

}  // namespace
}  // namespace rollguard
