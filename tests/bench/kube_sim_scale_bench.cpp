// kube-sim at the scale of a large cluster: 10,000 Deployments and 30,000 ReplicaSets loaded from a
// state file into a real kube-sim process (no controllers). Prints the start-up (load) time, the
// process's memory (VmRSS/VmHWM), and how long full and paged LISTs take over a real socket, with
// bytes served and MB/s. Goal: the full Deployment list in under 1 s; a benchmark only prints that.
//
// kube-sim is found in $ROLLGUARD_BIN_DIR, else in the build's bin directory.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <thread>

#include "kube_sim_state_fixture.hpp"

namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
namespace net = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

constexpr int kDeployments = 10000;
constexpr int kReplicaSetsPer = 3;
const std::string kToken = "bench-token";

fs::path bin_dir() {
  if (const char* dir = std::getenv("ROLLGUARD_BIN_DIR")) return dir;
  return KUBE_SIM_BENCH_BIN_DIR;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One generated state file for every process the benchmark starts (generation takes seconds).
struct Workdir {
  fs::path dir;
  fs::path state;
  std::size_t state_bytes = 0;
  Workdir() {
    char pattern[] = "/tmp/kube-sim-scale-bench-XXXXXX";
    dir = ::mkdtemp(pattern);
    state = dir / "state.json";
    const std::string text =
        json::serialize(rollguard::bench::make_kube_sim_state(kDeployments, kReplicaSetsPer));
    state_bytes = text.size();
    std::ofstream(state, std::ios::binary) << text;
  }
  ~Workdir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

Workdir& workdir() {
  static Workdir w;
  return w;
}

// KiB from /proc/<pid>/status (VmRSS: resident now, VmHWM: peak resident).
double status_mib(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return -1;
}

class SimProcess {
 public:
  explicit SimProcess(const fs::path& state_file) {
    kubeconfig_ = workdir().dir / ("kubeconfig-" + std::to_string(++count_));
    std::vector<std::string> args{(bin_dir() / "kube-sim").string(),
                                  "--no-controllers",
                                  "--insecure-http",
                                  "--port",
                                  "0",
                                  "--token",
                                  kToken,
                                  "--log-level",
                                  "warn",
                                  "--kubeconfig-out",
                                  kubeconfig_.string(),
                                  "--state-file",
                                  state_file.string()};
    const auto start = Clock::now();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    // The kubeconfig is written once the state is loaded and the port listens.
    while (seconds_since(start) < 120) {
      if (fs::exists(kubeconfig_)) {
        std::stringstream ss;
        ss << std::ifstream(kubeconfig_).rdbuf();
        const std::string text = ss.str();
        const auto at = text.find("server: http://127.0.0.1:");
        if (at != std::string::npos) {
          port_ = static_cast<unsigned short>(std::stoi(text.substr(at + 25)));
          start_seconds_ = seconds_since(start);
          return;
        }
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~SimProcess() {
    if (pid_ <= 0) return;
    // SIGKILL, not SIGTERM: the shutdown save would rewrite the shared state file, and shutdown is
    // not what is measured.
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool serving() const { return pid_ > 0 && port_ != 0; }
  int pid() const { return pid_; }
  unsigned short port() const { return port_; }
  double start_seconds() const { return start_seconds_; }

 private:
  static inline int count_ = 0;
  fs::path kubeconfig_;
  int pid_ = -1;
  unsigned short port_ = 0;
  double start_seconds_ = 0;
};

// The process the LIST benchmarks share, started by the first of them; killed at the end of main.
std::unique_ptr<SimProcess> g_shared_sim;

SimProcess& shared_sim() {
  if (!g_shared_sim) g_shared_sim = std::make_unique<SimProcess>(workdir().state);
  return *g_shared_sim;
}

// A keep-alive HTTP/1.1 connection with a synchronous Beast client, as a client would hold one.
class Connection {
 public:
  explicit Connection(unsigned short port) : socket_(io_) {
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
    socket_.connect(ep);
  }
  struct Reply {
    unsigned status = 0;
    std::string body;
  };
  Reply get(const std::string& target, const std::string& accept = "application/json") {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + kToken);
    req.set(http::field::accept, accept);
    req.keep_alive(true);
    http::write(socket_, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read(socket_, buffer_, parser);
    auto res = parser.release();
    return Reply{res.result_int(), std::move(res.body())};
  }

 private:
  net::io_context io_;
  net::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

std::size_t item_count(const std::string& body) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return 0;
  const auto* items = v.as_object().if_contains("items");
  if (items && items->is_array()) return items->as_array().size();
  const auto* rows = v.as_object().if_contains("rows");  // Table
  return rows && rows->is_array() ? rows->as_array().size() : 0;
}

// CPU seconds (user + system) the process has used: what a list costs kube-sim, independent of
// how busy the machine is.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void memory_counters(benchmark::State& state, int pid) {
  state.counters["sim_rss_MiB"] = status_mib(pid, "VmRSS");
  state.counters["sim_hwm_MiB"] = status_mib(pid, "VmHWM");
}

void BM_StartWithState(benchmark::State& state) {
  double total = 0;
  for (auto _ : state) {
    SimProcess sim(workdir().state);
    if (!sim.serving()) {
      state.SkipWithError("kube-sim did not start");
      break;
    }
    state.SetIterationTime(sim.start_seconds());
    total += sim.start_seconds();
    memory_counters(state, sim.pid());
  }
  state.counters["start_s"] = total / static_cast<double>(state.iterations());
  state.counters["state_file_MB"] = static_cast<double>(workdir().state_bytes) / 1e6;
  state.counters["objects"] = 50 + kDeployments * (1 + kReplicaSetsPer);
}
BENCHMARK(BM_StartWithState)->Iterations(2)->UseManualTime()->Unit(benchmark::kSecond);

// One LIST, or a walk of pages following `continue`, per iteration; real (wall) time, since the
// work happens in the kube-sim process.
void run_list(benchmark::State& state, const std::string& path, std::size_t expected, std::size_t limit,
              const std::string& accept = "application/json") {
  auto& sim = shared_sim();
  if (!sim.serving()) {
    state.SkipWithError("kube-sim did not start");
    return;
  }
  Connection conn(sim.port());
  auto walk = [&](std::size_t& bytes, std::size_t& pages, std::string* last_body) {
    std::string token;
    do {
      std::string target = path;
      if (limit) target += "?limit=" + std::to_string(limit) + (token.empty() ? "" : "&continue=" + token);
      auto reply = conn.get(target, accept);
      if (reply.status != 200) return false;
      bytes += reply.body.size();
      ++pages;
      token.clear();
      if (limit) {
        auto v = json::parse(reply.body);
        if (const auto* c = v.at("metadata").as_object().if_contains("continue")) token = c->as_string();
      }
      if (last_body) *last_body = std::move(reply.body);
    } while (!token.empty());
    return true;
  };
  // Untimed check that the list is what we think it is.
  {
    std::size_t bytes = 0, pages = 0;
    std::string body;
    if (!walk(bytes, pages, &body) || (!limit && item_count(body) != expected)) {
      state.SkipWithError("unexpected list reply");
      return;
    }
  }
  std::size_t bytes = 0, pages = 0;
  double seconds = 0;
  const double cpu_before = cpu_seconds(sim.pid());
  for (auto _ : state) {
    const auto start = Clock::now();
    if (!walk(bytes, pages, nullptr)) {
      state.SkipWithError("list failed");
      break;
    }
    const double s = seconds_since(start);
    state.SetIterationTime(s);
    seconds += s;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["items"] = static_cast<double>(expected);
  state.counters["pages"] = static_cast<double>(pages) / n;
  state.counters["MB"] = static_cast<double>(bytes) / n / 1e6;
  state.counters["MB_per_s"] = static_cast<double>(bytes) / 1e6 / seconds;
  state.counters["list_s"] = seconds / n;
  state.counters["sim_cpu_s"] = (cpu_seconds(sim.pid()) - cpu_before) / n;
  memory_counters(state, sim.pid());
}

void BM_ListDeployments(benchmark::State& state) {
  run_list(state, "/apis/apps/v1/deployments", kDeployments, 0);
}
BENCHMARK(BM_ListDeployments)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ListDeploymentsPaged500(benchmark::State& state) {
  run_list(state, "/apis/apps/v1/deployments", kDeployments, 500);
}
BENCHMARK(BM_ListDeploymentsPaged500)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ListReplicaSets(benchmark::State& state) {
  run_list(state, "/apis/apps/v1/replicasets", kDeployments * kReplicaSetsPer, 0);
}
BENCHMARK(BM_ListReplicaSets)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

// What `kubectl get deployments -A` asks for.
void BM_ListDeploymentsTable(benchmark::State& state) {
  run_list(state, "/apis/apps/v1/deployments", kDeployments, 0,
           "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
}
BENCHMARK(BM_ListDeploymentsTable)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_shared_sim.reset();
  return 0;
}
