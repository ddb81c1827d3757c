// Pod processes: fork/exec in a new process group, SIGCHLD reaping, restarts with backoff, HTTP
// readiness probes, SIGTERM/SIGKILL on deletion and exit.
#include "pod_runner.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

struct PodRunner::Proc {
  std::string uid, ns, name, ip;
  json::object container;
  bool restart_always = true;
  std::string termination_path, log_path;  // log_path: only with FallbackToLogsOnError
  ProcessSpec spec;
  pid_t pid = -1;
  bool stopping = false;
  RunState state;
  std::unique_ptr<boost::asio::steady_timer> restart_timer, kill_timer, probe_timer;
};

PodRunner::PodRunner(boost::asio::any_io_executor executor, RunnerConfig config, Changed changed,
                     std::chrono::milliseconds grace)
    : executor_(executor),
      config_(std::move(config)),
      changed_(std::move(changed)),
      grace_(grace),
      sigchld_(executor, SIGCHLD),
      alive_(std::make_shared<bool>(true)) {
  wait_signal();
}

PodRunner::~PodRunner() {
  shutdown();
  *alive_ = false;
  std::error_code ignored;
  if (!files_dir_.empty()) std::filesystem::remove_all(files_dir_, ignored);
}

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
}  // namespace

std::string PodRunner::pod_dir(const std::string& uid) {
  std::error_code ec;
  if (files_dir_.empty()) {
    auto dir = std::filesystem::temp_directory_path(ec) / ("kube-sim-pods-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir, ec);
    if (ec) return {};
    files_dir_ = dir.string();
  }
  auto dir = std::filesystem::path(files_dir_) / uid;
  std::filesystem::create_directories(dir, ec);
  return ec ? std::string() : dir.string();
}

void PodRunner::forget(const std::string& uid) {
  procs_.erase(uid);
  std::error_code ignored;
  if (!files_dir_.empty()) std::filesystem::remove_all(std::filesystem::path(files_dir_) / uid, ignored);
}

const ImageCommand* find_image_command(const RunnerConfig& config, const std::string& image) {
  auto it = config.find(image);
  if (it != config.end()) return &it->second;
  // "rollguard/demo-app:*": one entry for every tag; the longest matching prefix wins.
  const ImageCommand* best = nullptr;
  std::size_t best_length = 0;
  for (auto& [pattern, command] : config) {
    if (pattern.empty() || pattern.back() != '*') continue;
    const std::string_view prefix(pattern.data(), pattern.size() - 1);
    if (image.compare(0, prefix.size(), prefix) == 0 && (!best || prefix.size() > best_length)) {
      best = &command;
      best_length = prefix.size();
    }
  }
  return best;
}

const ImageCommand* PodRunner::command_for(const std::string& image) const {
  return find_image_command(config_, image);
}

const RunState* PodRunner::state(const std::string& uid) const {
  auto it = procs_.find(uid);
  return it == procs_.end() ? nullptr : &it->second->state;
}

void PodRunner::ensure(const std::string& uid, const std::string& ns, const std::string& name,
                       const std::string& ip, const json::object& container, bool restart_always) {
  if (procs_.count(uid)) return;
  const auto* image = command_for(str_at(container, {"image"}));
  if (!image) return;
  auto p = std::make_shared<Proc>();
  p->uid = uid;
  p->ns = ns;
  p->name = name;
  p->ip = ip;
  p->container = container;
  p->restart_always = restart_always;
  if (auto dir = pod_dir(uid); !dir.empty()) {
    p->termination_path = dir + "/termination-log";
    std::ofstream(p->termination_path, std::ios::trunc).flush();
    if (str_at(container, {"terminationMessagePolicy"}) == "FallbackToLogsOnError")
      p->log_path = dir + "/log";
  }
  p->spec = process_spec(*image, container, ns, name, ip, p->termination_path);
  procs_[uid] = p;
  spawn(*p);
  schedule_probe(uid);
}

void PodRunner::spawn(Proc& p) {
  // Everything the child needs is built before fork: after fork only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : p.spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (auto& s : p.spec.argv) argv.push_back(s.data());
  argv.push_back(nullptr);
  // Each run's output replaces the last one's, as a restarted container's log does.
  int log_fd =
      p.log_path.empty() ? -1 : open(p.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (log_fd >= 0) {
      dup2(log_fd, 1);
      dup2(log_fd, 2);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvpe(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  if (pid < 0) {
    spdlog::error("pod runner: fork failed for {}/{}", p.ns, p.name);
    p.state.waiting = true;
    return;
  }
  setpgid(pid, pid);
  p.pid = pid;
  p.state.running = true;
  p.state.waiting = false;
  p.state.ready = false;
  spdlog::info("pod runner: started {}/{} (pid {}) on {}", p.ns, p.name, pid, p.ip);
}

void PodRunner::wait_signal() {
  std::weak_ptr<bool> alive = alive_;
  sigchld_.async_wait([this, alive](boost::system::error_code ec, int) {
    auto a = alive.lock();
    if (ec || !a || !*a) return;
    reap();
    wait_signal();
  });
}

void PodRunner::reap() {
  // Only our own children, by pid: other children of this process are not ours to reap.
  std::vector<std::string> gone;
  for (auto& [uid, p] : procs_) {
    if (p->pid <= 0) continue;
    int status = 0;
    if (waitpid(p->pid, &status, WNOHANG) != p->pid) continue;
    p->pid = -1;
    p->state.running = false;
    p->state.ready = false;
    p->state.last_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (p->kill_timer) p->kill_timer->cancel();
    if (p->stopping) {
      gone.push_back(uid);
      continue;
    }
    p->state.termination_message =
        p->termination_path.empty() ? std::string()
                                    : termination_message(read_file(p->termination_path),
                                                          p->log_path.empty() ? "" : read_file(p->log_path),
                                                          !p->log_path.empty(), p->state.last_exit);
    spdlog::info("pod runner: {}/{} exited with {}", p->ns, p->name, p->state.last_exit);
    if (!p->restart_always) {
      p->state.finished = true;
    } else {
      p->state.waiting = true;
      auto backoff = std::min<std::chrono::milliseconds>(1000ms * (1 << std::min(p->state.restarts, 4)), 10s);
      p->restart_timer = std::make_unique<boost::asio::steady_timer>(executor_, backoff);
      std::weak_ptr<bool> alive = alive_;
      std::weak_ptr<Proc> weak = p;
      p->restart_timer->async_wait([this, alive, weak](boost::system::error_code ec) {
        auto a = alive.lock();
        auto proc = weak.lock();
        if (ec || !a || !*a || !proc || proc->stopping) return;
        ++proc->state.restarts;
        spawn(*proc);
        changed_(proc->ns, proc->name);
      });
    }
    changed_(p->ns, p->name);
  }
  for (const auto& uid : gone) forget(uid);
}

void PodRunner::stop(const std::string& uid) {
  auto it = procs_.find(uid);
  if (it == procs_.end() || it->second->stopping) return;
  auto p = it->second;
  p->stopping = true;
  if (p->restart_timer) p->restart_timer->cancel();
  if (p->probe_timer) p->probe_timer->cancel();
  if (p->pid <= 0) {
    forget(uid);
    return;
  }
  kill(-p->pid, SIGTERM);
  p->kill_timer = std::make_unique<boost::asio::steady_timer>(executor_, grace_);
  std::weak_ptr<Proc> weak = p;
  p->kill_timer->async_wait([weak](boost::system::error_code ec) {
    auto proc = weak.lock();
    if (!ec && proc && proc->pid > 0) kill(-proc->pid, SIGKILL);
  });
}

void PodRunner::shutdown() {
  std::vector<pid_t> pids;
  for (auto& [uid, p] : procs_) {
    p->stopping = true;
    for (auto* t : {p->restart_timer.get(), p->kill_timer.get(), p->probe_timer.get()})
      if (t) t->cancel();
    if (p->pid > 0) {
      kill(-p->pid, SIGTERM);
      pids.push_back(p->pid);
    }
  }
  procs_.clear();
  auto deadline = std::chrono::steady_clock::now() + grace_;
  while (!pids.empty()) {
    std::erase_if(pids, [](pid_t pid) { return waitpid(pid, nullptr, WNOHANG) != 0; });
    if (pids.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      for (pid_t pid : pids) {
        kill(-pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
}

namespace {
struct ProbeCall : std::enable_shared_from_this<ProbeCall> {
  ProbeCall(boost::asio::any_io_executor ex, std::function<void(bool)> done)
      : stream(ex), done(std::move(done)) {}
  boost::beast::tcp_stream stream;
  http::request<http::empty_body> req;
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  std::function<void(bool)> done;

  void run(const std::string& ip, unsigned short port, const std::string& path) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(ip, ec);
    if (ec) return done(false);
    req = {http::verb::get, path.empty() ? "/" : path, 11};
    req.set(http::field::host, ip + ":" + std::to_string(port));
    req.set(http::field::user_agent, "kube-probe/1.32");
    stream.expires_after(1s);
    auto self = shared_from_this();
    stream.async_connect(boost::asio::ip::tcp::endpoint(address, port), [self](boost::system::error_code e) {
      if (e) return self->done(false);
      http::async_write(self->stream, self->req, [self](boost::system::error_code e2, std::size_t) {
        if (e2) return self->done(false);
        http::async_read(
            self->stream, self->buffer, self->res, [self](boost::system::error_code e3, std::size_t) {
              self->done(!e3 && self->res.result_int() >= 200 && self->res.result_int() < 300);
              boost::system::error_code ignored;
              self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
            });
      });
    });
  }
};

// The probe's port: a number, or the name of one of the container's ports.
unsigned short probe_port(const json::object& container, const json::value* port) {
  if (!port) return 0;
  if (port->is_int64() && port->as_int64() > 0 && port->as_int64() < 65536)
    return static_cast<unsigned short>(port->as_int64());
  if (!port->is_string()) return 0;
  if (const auto* ports = container.if_contains("ports"); ports && ports->is_array())
    for (const auto& p : ports->as_array())
      if (const auto* po = p.if_object(); po && str_at(*po, {"name"}) == port->as_string()) {
        auto n = int_at(*po, {"containerPort"});
        if (n > 0 && n < 65536) return static_cast<unsigned short>(n);
      }
  return 0;
}
}  // namespace

void PodRunner::schedule_probe(const std::string& uid) {
  auto it = procs_.find(uid);
  if (it == procs_.end() || it->second->stopping) return;
  auto p = it->second;
  auto period = std::chrono::milliseconds(std::clamp<std::int64_t>(
      int_at(p->container, {"readinessProbe", "periodSeconds"}, 1) * 1000, 100, 300));
  p->probe_timer = std::make_unique<boost::asio::steady_timer>(executor_, period);
  std::weak_ptr<bool> alive = alive_;
  p->probe_timer->async_wait([this, alive, uid](boost::system::error_code ec) {
    auto a = alive.lock();
    if (ec || !a || !*a) return;
    probe(uid);
  });
}

void PodRunner::probe(const std::string& uid) {
  auto it = procs_.find(uid);
  if (it == procs_.end() || it->second->stopping || it->second->state.finished) return;
  auto p = it->second;
  auto report = [this, uid](bool ready) {
    auto it2 = procs_.find(uid);
    if (it2 == procs_.end()) return;
    auto& st = it2->second->state;
    ready = ready && st.running;
    if (ready != st.ready) {
      st.ready = ready;
      changed_(it2->second->ns, it2->second->name);
    }
    schedule_probe(uid);
  };
  const auto* http_get = at_path(p->container, {"readinessProbe", "httpGet"});
  if (!http_get || !http_get->is_object() || !p->state.running) return report(p->state.running);
  unsigned short port = probe_port(p->container, http_get->as_object().if_contains("port"));
  if (port == 0) return report(false);
  std::weak_ptr<bool> alive = alive_;
  auto call = std::make_shared<ProbeCall>(executor_, [alive, report](bool ok) {
    if (auto a = alive.lock(); a && *a) report(ok);
  });
  call->run(p->ip, port, str_at(http_get->as_object(), {"path"}));
}

}  // namespace kubesim::cluster
