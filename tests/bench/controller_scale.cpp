// The controller at the scale of the controller issue: 10,000 RollbackPolicies (one `deployment` SLO,
// 30 s interval) over 10,000 Deployments and 30,000 ReplicaSets, on one replica, against kube-sim
// started from a generated state file (kube_sim_state_fixture.hpp) with its controllers off, so
// the cluster is steady: nothing rolls out, only the controller's own writes change anything.
// Prints how long until every policy's status.observedGeneration is set (watched), the
// controller's peak and steady resident memory (VmHWM, VmRSS) and its CPU (utime + stime) over a
// steady window in which /metrics is scraped every 15 s, as a Prometheus would, beside the issue's
// targets and Argo Rollouts' reported 11-14 GB for 11-13k Rollouts (argo-rollouts #2855). A
// benchmark: it prints figures and fails only if it cannot run.
//
//   controller_scale [--policies N] [--pods-per N] [--steady-seconds S] [--settle-seconds S]
//   (binaries from $ROLLGUARD_BIN_DIR, else the build's bin directory)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "body.hpp"
#include "kube_sim_state_fixture.hpp"

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace net = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

const std::string kToken = "scale-token";
const std::string kPolicies = "/apis/rollguard.io/v1alpha1/rollbackpolicies";

fs::path bin_dir() {
  if (const char* dir = std::getenv("ROLLGUARD_BIN_DIR")) return dir;
  return CONTROLLER_SCALE_BIN_DIR;
}
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
[[noreturn]] void die(const std::string& why) {
  std::cerr << "controller_scale: " << why << "\n";
  std::exit(1);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// /proc/PID/status fields in MiB, and utime + stime in seconds.
double status_mib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return -1;
}
double cpu_seconds(int pid) {
  const std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int spawn(const std::vector<std::string>& args, const fs::path& log) {
  std::fflush(stdout);  // or the child repeats what is buffered
  const int pid = ::fork();
  if (pid == 0) {
    std::FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out) ::dup2(::fileno(stdout), 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  return pid;
}
void stop(int pid, int sig) {
  if (pid <= 0) return;
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

unsigned short free_port() {
  net::io_context io;
  net::ip::tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// The generated cluster: the fixture's Namespaces, Deployments and ReplicaSets, `pods_per` pods of
// each current ReplicaSet, the CRD, and one policy per Deployment.
std::string make_state(int policies, int pods_per) {
  auto state = rollguard::bench::make_kube_sim_state(policies, 3);
  auto& objects = state["objects"].as_array();
  auto entry = [](const char* group, const char* resource, const json::value& object) {
    const auto& meta = object.at("metadata").as_object();
    const auto* ns = meta.if_contains("namespace");
    return json::object{{"group", group},
                        {"resource", resource},
                        {"namespace", ns ? ns->as_string() : json::string()},
                        {"name", meta.at("name")},
                        {"object", object}};
  };
  if (pods_per > 0) {
    json::array pods;
    for (auto& e : objects) {
      const auto& o = e.at("object").as_object();
      if (e.at("resource") != "replicasets" || o.at("spec").at("replicas").to_number<int>() == 0) continue;
      for (int n = 0; n < pods_per; ++n) pods.push_back(entry("", "pods", rollguard::bench::make_pod(o, n)));
    }
    for (auto& p : pods) objects.push_back(std::move(p));
  }
  auto crd = kubesim::parse_yaml_body(
      slurp(fs::path(CONTROLLER_SCALE_SOURCE_DIR) / "crds" / "rollguard.io_rollbackpolicies.yaml"));
  if (!crd) die("cannot read the CRD");
  auto& crd_meta = crd->as_object()["metadata"].as_object();
  crd_meta["uid"] = "c0ffee00-0000-4000-8000-000000000001";
  crd_meta["resourceVersion"] = "50";
  crd_meta["generation"] = 1;
  crd_meta["creationTimestamp"] = "2026-10-01T11:00:00Z";
  objects.push_back(entry("apiextensions.k8s.io", "customresourcedefinitions", *crd));
  for (int i = 0; i < policies; ++i) {
    const std::string name = "service-" + std::to_string(i);
    json::object policy{
        {"apiVersion", "rollguard.io/v1alpha1"},
        {"kind", "RollbackPolicy"},
        {"metadata", json::object{{"name", name},
                                  {"namespace", "team-" + std::to_string(i % 50)},
                                  {"uid", "9d3c0b1a-0000-4000-8000-" + std::to_string(100000000000 + i)},
                                  {"resourceVersion", std::to_string(1800000 + i)},
                                  {"generation", 1},
                                  {"creationTimestamp", "2026-10-01T12:00:00Z"}}},
        {"spec", json::parse(R"({"targetRef":{"kind":"Deployment","name":")" + name +
                             R"("},"interval":"30s","stabilizationWindow":"5m","failureThreshold":3,)"
                             R"("slos":[{"name":"rollout","deployment":{"minAvailableRatio":1.0,)"
                             R"("failOnProgressDeadline":true,"maxContainerRestarts":3}}],)"
                             R"("rollback":{"mode":"Automatic","to":"LastKnownGood"}})")}};
    objects.push_back(entry("rollguard.io", "rollbackpolicies", policy));
  }
  return json::serialize(state);
}

// Watches every policy from a LIST (plain HTTP, kube-sim --insecure-http) and notes when the last
// of them has status.observedGeneration == metadata.generation.
class ReconciledWatch {
 public:
  ReconciledWatch(unsigned short port, int expected) : port_(port), expected_(expected) {
    thread_ = std::thread([this] { run(); });
  }
  // Joins once the watch ends: all reconciled, or kube-sim gone (it is killed before this runs).
  ~ReconciledWatch() { thread_.join(); }
  bool done() const { return done_; }
  int reconciled() const { return count_; }

 private:
  void note(const json::object& policy) {
    const auto& meta = policy.at("metadata").as_object();
    const auto* status = policy.if_contains("status");
    const auto* observed =
        status && status->is_object() ? status->as_object().if_contains("observedGeneration") : nullptr;
    if (!observed || observed->to_number<std::int64_t>() != meta.at("generation").to_number<std::int64_t>())
      return;
    seen_.insert(std::string(meta.at("namespace").as_string()) + "/" +
                 std::string(meta.at("name").as_string()));
    count_ = static_cast<int>(seen_.size());
    if (count_ >= expected_) done_ = true;
  }
  void run() {
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), port_});
    boost::beast::flat_buffer buffer;
    auto request = [&](const std::string& target) {
      http::request<http::empty_body> req{http::verb::get, target, 11};
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::authorization, "Bearer " + kToken);
      http::write(socket, req);
    };
    request(kPolicies);
    http::response_parser<http::string_body> list;
    list.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read(socket, buffer, list);
    auto value = json::parse(list.get().body());
    for (auto& item : value.at("items").as_array()) note(item.as_object());
    const std::string rv(value.at("metadata").at("resourceVersion").as_string());
    request(kPolicies + "?watch=1&resourceVersion=" + rv);
    http::response_parser<http::buffer_body> watch;
    watch.body_limit(std::numeric_limits<std::uint64_t>::max());
    boost::system::error_code ec;
    http::read_header(socket, buffer, watch, ec);
    std::string pending;
    char chunk[64 * 1024];
    while (!ec && !done_) {
      watch.get().body().data = chunk;
      watch.get().body().size = sizeof chunk;
      http::read_some(socket, buffer, watch, ec);  // read() would wait for a full chunk buffer
      if (ec == http::error::need_buffer) ec = {};
      pending.append(chunk, sizeof chunk - watch.get().body().size);
      for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        json::error_code perr;
        auto event = json::parse(std::string_view(pending).substr(0, nl), perr);
        pending.erase(0, nl + 1);
        if (!perr && event.is_object() && event.at("type") != "BOOKMARK")
          note(event.at("object").as_object());
      }
      if (watch.is_done()) break;
    }
  }

  unsigned short port_;
  int expected_;
  std::set<std::string> seen_;
  std::atomic<int> count_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The body of a 200 response, nullopt on anything else.
std::optional<std::string> http_get(unsigned short port, const std::string& target) {
  try {
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);  // /metrics of 10,000 policies is several MB
    http::read(socket, buffer, parser);
    if (parser.get().result_int() != 200) return std::nullopt;
    return std::move(parser.get().body());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}
bool http_ok(unsigned short port, const std::string& target) { return http_get(port, target).has_value(); }

}  // namespace

int main(int argc, char** argv) {
  int policies = 10000, pods_per = 0;
  double steady_seconds = 90, settle_seconds = 35;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--policies")
      policies = std::atoi(argv[i + 1]);
    else if (flag == "--pods-per")
      pods_per = std::atoi(argv[i + 1]);
    else if (flag == "--steady-seconds")
      steady_seconds = std::atof(argv[i + 1]);
    else if (flag == "--settle-seconds")
      settle_seconds = std::atof(argv[i + 1]);
    else
      die("unknown flag " + flag);
  }
  if (policies <= 0 || pods_per < 0 || steady_seconds <= 0) die("bad arguments");

  char pattern[] = "/tmp/controller-scale-XXXXXX";
  const fs::path dir = ::mkdtemp(pattern);
  const fs::path state = dir / "state.json", kubeconfig = dir / "kubeconfig";
  auto t = Clock::now();
  const std::string text = make_state(policies, pods_per);
  std::ofstream(state, std::ios::binary) << text;
  std::printf(
      "state file: %d policies, %d Deployments, %d ReplicaSets, %d pods, %.0f MB (generated in %.1f s)\n",
      policies, policies, policies * 3, policies * pods_per, static_cast<double>(text.size()) / 1e6,
      since(t));

  t = Clock::now();
  const int sim = spawn({(bin_dir() / "kube-sim").string(), "--no-controllers", "--insecure-http", "--port",
                         "0", "--token", kToken, "--log-level", "warn", "--kubeconfig-out",
                         kubeconfig.string(), "--state-file", state.string()},
                        dir / "kube-sim.log");
  unsigned short port = 0;
  while (since(t) < 180 && port == 0) {
    const std::string kc = fs::exists(kubeconfig) ? slurp(kubeconfig) : "";
    if (auto at = kc.find("server: http://127.0.0.1:"); at != std::string::npos)
      port = static_cast<unsigned short>(std::stoi(kc.substr(at + 25)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port == 0) die("kube-sim did not start (" + (dir / "kube-sim.log").string() + ")");
  std::printf("kube-sim serving in %.1f s\n", since(t));

  ReconciledWatch watch(port, policies);
  const auto health = free_port(), metrics = free_port();
  const auto start = Clock::now();
  const int ctrl = spawn({(bin_dir() / "rollguard-controller").string(), "--kubeconfig", kubeconfig.string(),
                          "--leader-elect=false", "--health-addr", "127.0.0.1:" + std::to_string(health),
                          "--metrics-addr", "127.0.0.1:" + std::to_string(metrics)},
                         dir / "controller.log");
  double ready_s = -1, all_s = -1;
  double rss_at_all = 0, rss_at_ready = 0;
  while (since(start) < 300) {
    if (ready_s < 0 && http_ok(health, "/readyz")) {
      ready_s = since(start);
      rss_at_ready = status_mib(ctrl, "VmRSS");
    }
    if (watch.done()) {
      all_s = since(start);
      rss_at_all = status_mib(ctrl, "VmRSS");
      break;
    }
    int status = 0;
    if (::waitpid(ctrl, &status, WNOHANG) == ctrl)
      die("the controller exited (" + (dir / "controller.log").string() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (all_s < 0) {
    std::printf("not every policy reconciled after 300 s: %d of %d\n", watch.reconciled(), policies);
  }
  const double cpu_startup = cpu_seconds(ctrl);
  // The start-up burst over (first requeues after one interval), then a steady window.
  std::this_thread::sleep_for(std::chrono::duration<double>(settle_seconds));
  const double cpu0 = cpu_seconds(ctrl);
  const auto w0 = Clock::now();
  double rss_max = 0;
  // Scraped every 15 s, as a Prometheus would: the scrape's own memory and CPU belong to the figures.
  std::size_t scrapes = 0, metrics_bytes = 0, metrics_series = 0;
  auto next_scrape = w0;
  while (since(w0) < steady_seconds) {
    if (Clock::now() >= next_scrape) {
      next_scrape += std::chrono::seconds(15);
      if (auto text = http_get(metrics, "/metrics")) {
        ++scrapes;
        metrics_bytes = text->size();
        metrics_series = 0;
        for (std::size_t at = 0; at < text->size();) {
          auto end = text->find('\n', at);
          if (end == std::string::npos) end = text->size();
          if (end > at && (*text)[at] != '#') ++metrics_series;
          at = end + 1;
        }
      }
    }
    rss_max = std::max(rss_max, status_mib(ctrl, "VmRSS"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double steady_cpu = (cpu_seconds(ctrl) - cpu0) / since(w0) * 100.0;
  const double rss = status_mib(ctrl, "VmRSS"), hwm = status_mib(ctrl, "VmHWM");

  std::printf("\ncontroller, %d policies (deployment SLO, 30 s interval), one replica:\n", policies);
  std::printf("  informers synced (/readyz 200)          %6.1f s\n", ready_s);
  std::printf("  all policies reconciled (observedGeneration) %6.1f s   target <= 10 s\n", all_s);
  std::printf("  CPU during start-up                     %6.1f s of CPU\n", cpu_startup);
  std::printf("  resident at informers synced            %6.0f MiB\n", rss_at_ready);
  std::printf("  resident at all reconciled              %6.0f MiB\n", rss_at_all);
  std::printf("  resident peak (VmHWM)                   %6.0f MiB   target <= 150 MB\n", hwm);
  std::printf("  resident steady (VmRSS now / max of window) %6.0f / %.0f MiB\n", rss, rss_max);
  std::printf("  CPU steady, %.0f s window                %6.2f %% of one core   target <= 5 %%\n",
              steady_seconds, steady_cpu);
  std::printf("  /metrics scraped every 15 s in the window %zu times: %zu series, %.1f MB\n", scrapes,
              metrics_series, static_cast<double>(metrics_bytes) / 1e6);
  std::printf(
      "  Argo Rollouts (argo-rollouts #2855): 11-14 GB for 11-13k Rollouts; rollguard: %.2f GB peak\n",
      hwm / 1024.0);
  std::printf(
      "FIGURES policies=%d reconciled_s=%.1f ready_s=%.1f hwm_mib=%.0f rss_mib=%.0f steady_cpu_pct=%.2f\n",
      policies, all_s, ready_s, hwm, rss, steady_cpu);

  stop(ctrl, SIGTERM);
  stop(sim, SIGKILL);  // not SIGTERM: its shutdown save would rewrite the state file for nothing
  std::error_code ignored;
  if (!std::getenv("CONTROLLER_SCALE_KEEP"))
    fs::remove_all(dir, ignored);
  else
    std::printf("kept %s\n", dir.c_str());
  return all_s < 0 ? 1 : 0;
}
