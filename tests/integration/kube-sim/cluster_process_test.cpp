// kube-sim's pod runner with real processes: pods of mapped images run as child processes on their
// own 127.0.x.y, readiness comes from HTTP readiness probes, crashes restart with back-off, and
// deleting the pods stops the processes. In process (ApiServer + Cluster on one io_context); waits
// are bounded by generous deadlines, nothing asserts how long a step takes.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "cluster_fixture.hpp"
#include "json_util.hpp"

namespace kubesim::cluster {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

const char* kRunnerConfig = R"yaml(
images:
  "demo-app:v1":
    command: ["python3", "-m", "http.server", "--bind", "$(POD_IP)"]
    args: ["8080"]
  "crash:v1":
    command: ["/bin/sh", "-c", "exit 3"]
  "job:v1":
    command: ["/bin/sh", "-c", "test \"$POD_NAMESPACE\" = default && test -n \"$POD_IP\" && exit 0; exit 1"]
  "script:v1":
    command: ["/bin/sh", "-c"]
)yaml";

class ClusterProcesses : public ClusterFixture {
 protected:
  ClusterProcesses() : ClusterFixture("", options(), 60s) {}

  static ClusterOptions options() {
    std::string error;
    auto config = parse_runner_config(kRunnerConfig, error);
    EXPECT_TRUE(config) << error;
    ClusterOptions o;
    o.pod_ready_delay = 0ms;
    o.resync = 500ms;
    o.kill_grace = 1000ms;
    if (config) o.pod_runner = *config;
    return o;
  }

  std::vector<json::object> pods() { return items("/api/v1/namespaces/default/pods"); }
  static bool accepts(const std::string& ip, unsigned short port) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({boost::asio::ip::make_address(ip), port}, ec);
    return !ec;
  }
};

TEST_F(ClusterProcesses, ProbedPodsServeOnTheirOwnAddressAndStopWhenDeleted) {
  const std::string body = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"demo"},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"demo"}},"template":{"metadata":{"labels":{"app":"demo"}},
    "spec":{"containers":[{"name":"app","image":"demo-app:v1","ports":[{"name":"http","containerPort":8080}],
    "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":1}}]}}}})";
  ASSERT_EQ(call("POST", "/apis/apps/v1/namespaces/default/deployments", body).status, 201u);
  ASSERT_TRUE(run_until([&] {
    auto d = get("/apis/apps/v1/namespaces/default/deployments/demo");
    return int_at(d, {"status", "availableReplicas"}) == 2 && int_at(d, {"status", "updatedReplicas"}) == 2;
  })) << json::serialize(get("/apis/apps/v1/namespaces/default/deployments/demo"));
  std::vector<std::string> ips;
  for (auto& p : pods()) ips.push_back(str_at(p, {"status", "podIP"}));
  ASSERT_EQ(ips.size(), 2u);
  for (auto& ip : ips) EXPECT_TRUE(accepts(ip, 8080)) << ip;
  // The process binds its pod's address only, not kube-sim's.
  EXPECT_FALSE(accepts("127.0.0.1", 8080) && !accepts(ips[0], 8080));

  // The targets file follows the pods' readiness asynchronously (as Prometheus' file_sd does).
  std::string text;
  EXPECT_TRUE(run_until([&] {
    std::ifstream f(targets_path_);
    std::stringstream read;
    read << f.rdbuf();
    text = read.str();
    boost::system::error_code ec;
    auto parsed = json::parse(text, ec);
    return !ec && parsed.is_array() && parsed.as_array().size() == 2u;
  })) << text;

  ASSERT_EQ(call("DELETE", "/apis/apps/v1/namespaces/default/deployments/demo").status, 200u);
  ASSERT_TRUE(run_until([&] { return !accepts(ips[0], 8080) && !accepts(ips[1], 8080); }))
      << "the pods' processes must stop when the pods are deleted";
  ASSERT_TRUE(run_until([&] {
    std::ifstream g(targets_path_);
    std::stringstream t;
    t << g.rdbuf();
    return json::parse(t.str()).as_array().empty();
  }));
}

TEST_F(ClusterProcesses, CrashingProcessRestartsWithBackOffAndIsNeverReady) {
  const std::string body = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"crashy"},
    "spec":{"containers":[{"name":"c","image":"crash:v1"}]}})";
  ASSERT_EQ(call("POST", "/api/v1/namespaces/default/pods", body).status, 201u);
  bool saw_backoff = false;
  ASSERT_TRUE(run_until([&] {
    auto p = get("/api/v1/namespaces/default/pods/crashy");
    const auto* cs = at_path(p, {"status", "containerStatuses"});
    if (!cs || !cs->is_array() || cs->as_array().empty()) return false;
    const auto& c = cs->as_array()[0].as_object();
    EXPECT_FALSE(bool_at(c, {"ready"}));
    if (str_at(c, {"state", "waiting", "reason"}) == "CrashLoopBackOff") {
      saw_backoff = true;
      EXPECT_EQ(int_at(c, {"lastState", "terminated", "exitCode"}), 3);
    }
    return saw_backoff && int_at(c, {"restartCount"}) >= 1;
  }));
}

TEST_F(ClusterProcesses, JobSucceedsWhenItsProcessExitsZero) {
  const std::string body = R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
    "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"job:v1"}]}}}})";
  ASSERT_EQ(call("POST", "/apis/batch/v1/namespaces/default/jobs", body).status, 201u);
  ASSERT_TRUE(run_until([&] {
    auto j = get("/apis/batch/v1/namespaces/default/jobs/j");
    return int_at(j, {"status", "succeeded"}) == 1 && at_path(j, {"status", "completionTime"});
  })) << json::serialize(get("/apis/batch/v1/namespaces/default/jobs/j"));
}

// A Job whose pod runs `script` (container args, as with command ["/bin/sh", "-c"]).
std::string script_job(const std::string& name, const std::string& script, const std::string& extra_container,
                       const std::string& extra_spec) {
  return R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":")" + name + R"("},"spec":{)" +
         extra_spec +
         R"("backoffLimit":0,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c",)" +
         extra_container + R"("image":"script:v1","args":[)" + json::serialize(json::value(script)) +
         "]}]}}}}";
}

TEST_F(ClusterProcesses, FailedPodCarriesItsTerminationMessage) {
  const std::string from_file = script_job(
      "from-file", "echo 'written to the file' >\"$KUBESIM_TERMINATION_MESSAGE_PATH\"; echo noise; exit 4",
      "", "");
  const std::string from_logs = script_job("from-logs", "echo first; echo 'GET /health answered 503'; exit 1",
                                           R"("terminationMessagePolicy":"FallbackToLogsOnError",)", "");
  ASSERT_EQ(call("POST", "/apis/batch/v1/namespaces/default/jobs", from_file).status, 201u);
  ASSERT_EQ(call("POST", "/apis/batch/v1/namespaces/default/jobs", from_logs).status, 201u);
  std::map<std::string, std::string> messages;
  ASSERT_TRUE(run_until([&] {
    for (auto& pod : pods()) {
      const auto* cs = at_path(pod, {"status", "containerStatuses"});
      if (!cs || !cs->is_array() || cs->as_array().empty()) continue;
      const auto& c = cs->as_array()[0].as_object();
      if (at_path(c, {"state", "terminated"}))
        messages[str_at(pod, {"metadata", "labels", "job-name"})] =
            str_at(c, {"state", "terminated", "message"});
    }
    auto failed = [&](const char* job) {
      auto j = get(std::string("/apis/batch/v1/namespaces/default/jobs/") + job);
      return int_at(j, {"status", "failed"}) == 1;
    };
    return messages.size() == 2 && failed("from-file") && failed("from-logs");
  }));
  EXPECT_EQ(messages["from-file"], "written to the file\n");
  EXPECT_EQ(messages["from-logs"], "first\nGET /health answered 503\n");
}

TEST_F(ClusterProcesses, JobPastItsActiveDeadlineFailsAndItsPodGoes) {
  ASSERT_EQ(call("POST", "/apis/batch/v1/namespaces/default/jobs",
                 script_job("slow", "sleep 60", "", R"("activeDeadlineSeconds":1,)"))
                .status,
            201u);
  ASSERT_TRUE(run_until([&] {
    auto j = get("/apis/batch/v1/namespaces/default/jobs/slow");
    const auto* conditions = at_path(j, {"status", "conditions"});
    if (!conditions || !conditions->is_array()) return false;
    for (auto& c : conditions->as_array())
      if (str_at(c.as_object(), {"type"}) == "Failed" &&
          str_at(c.as_object(), {"reason"}) == "DeadlineExceeded")
        return true;
    return false;
  })) << json::serialize(get("/apis/batch/v1/namespaces/default/jobs/slow"));
  ASSERT_TRUE(run_until([&] { return pods().empty(); }));
}

}  // namespace
}  // namespace kubesim::cluster
