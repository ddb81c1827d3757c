#pragma once
// Two (or more) rollguard-lease-probe processes against one kube-sim: starting, respawning and
// reaping probes, and reading their logs (tests/support/lease_probe_main.cpp writes them). Shared
// by the election fault test and the leadership-scoped writes test.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kube_sim_process.hpp"

namespace rollguard::testing::lease_probe {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline long long wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline fs::path probe_binary() {
  const char* bin_dir = std::getenv("ROLLGUARD_BIN_DIR");
  return fs::path(bin_dir ? bin_dir : "build/bin") / "rollguard-lease-probe";
}

inline std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One probe process and what its log says.
struct Probe {
  std::string identity;
  fs::path log;
  pid_t pid = -1;
  int exit_code = -1;       // WEXITSTATUS, or 128 + signal
  long long exited_ns = 0;  // when this test reaped it (no later than any of its own lines)
  bool running() const { return pid > 0; }
};

struct LeadInterval {
  std::string identity;
  long long from = 0;
  long long to = 0;
  bool stopped = false;  // false: the log ends while leading; `to` is the reaping time
};

// The complete lines of a probe's log (a line being written is not yet complete).
inline std::vector<std::string> log_lines(const Probe& probe) {
  std::vector<std::string> lines;
  std::string text = read_all(probe.log);
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

inline long long time_of(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  long long ns = 0;
  in >> word;
  if (word == "NEW_LEADER") in >> word;  // NEW_LEADER <holder> <ns>
  in >> ns;
  return ns;
}

// Leadership intervals from one probe's own log: LEADING .. STOPPED, or LEADING .. its exit/now.
inline std::vector<LeadInterval> intervals_of(const Probe& probe) {
  std::vector<LeadInterval> out;
  for (const auto& line : log_lines(probe)) {
    if (line.rfind("LEADING ", 0) == 0) {
      out.push_back(LeadInterval{probe.identity, time_of(line), 0, false});
    } else if (line.rfind("STOPPED ", 0) == 0 && !out.empty() && !out.back().stopped) {
      out.back().to = time_of(line);
      out.back().stopped = true;
    }
  }
  for (auto& interval : out) {
    if (!interval.stopped) interval.to = probe.running() ? wall_ns() : probe.exited_ns;
  }
  return out;
}

class LeaseProbeFixture : public ::testing::Test {
 protected:
  LeaseProbeFixture() : sim_({"--no-controllers", "--state-file", state_dir() + "/state.json"}) {}

  ~LeaseProbeFixture() override {
    for (auto& probe : probes_) {
      if (!probe.running()) continue;
      ::kill(probe.pid, SIGKILL);
      ::waitpid(probe.pid, nullptr, 0);
    }
    sim_.stop();  // saves its state file: before the directory goes
    std::error_code ignored;
    fs::remove_all(state_dir_, ignored);
  }

  const std::string& state_dir() {
    if (state_dir_.empty()) {
      char pattern[] = "/tmp/rollguard-lease-faults-XXXXXX";
      if (char* made = ::mkdtemp(pattern)) state_dir_ = made;
    }
    return state_dir_;
  }

  // Starts a probe in slot "a" or "b"; each process gets a new identity, as a restarted pod does.
  void start_probe(const std::string& slot) {
    Probe probe;
    probe.identity = slot + "-" + std::to_string(++started_[slot]);
    probe.log = sim_.directory() / ("probe-" + probe.identity + ".log");
    std::vector<std::string> args{probe_binary().string(),
                                  "--kubeconfig",
                                  sim_.kubeconfig().string(),
                                  "--identity",
                                  probe.identity,
                                  "--namespace",
                                  "default",
                                  "--lease-name",
                                  "faults-test",
                                  "--lease-duration-ms",
                                  "3000",
                                  "--renew-deadline-ms",
                                  "2000",
                                  "--retry-period-ms",
                                  "500"};
    args.insert(args.end(), probe_args_.begin(), probe_args_.end());
    const fs::path err = sim_.directory() / ("probe-" + probe.identity + ".err");
    probe.pid = ::fork();
    if (probe.pid == 0) {
      if (!std::freopen(probe.log.c_str(), "w", stdout)) std::_Exit(126);
      if (!std::freopen(err.c_str(), "w", stderr)) std::_Exit(126);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      std::_Exit(127);
    }
    ASSERT_GT(probe.pid, 0) << "fork failed";
    slots_.push_back(slot);
    probes_.push_back(std::move(probe));
  }

  // Reaps exited probes and, while `respawn_` holds, starts a successor in the same slot.
  void supervise() {
    for (std::size_t i = 0; i < probes_.size(); ++i) {
      if (!probes_[i].running()) continue;
      int status = 0;
      if (::waitpid(probes_[i].pid, &status, WNOHANG) != probes_[i].pid) continue;
      probes_[i].pid = -1;
      probes_[i].exited_ns = wall_ns();
      probes_[i].exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (respawn_) start_probe(std::string(slots_[i]));
    }
  }

  // Supervises until pred() holds or the deadline passes.
  bool run_until(const std::function<bool()>& pred, std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      supervise();
      if (pred()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
  }

  void run_for(std::chrono::milliseconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    run_until([&] { return std::chrono::steady_clock::now() >= until; });
  }

  // The running probe whose own log says it leads now, or -1.
  int current_leader() {
    for (std::size_t i = 0; i < probes_.size(); ++i) {
      if (!probes_[i].running()) continue;
      auto intervals = intervals_of(probes_[i]);
      if (!intervals.empty() && !intervals.back().stopped) return static_cast<int>(i);
    }
    return -1;
  }

  int leading_count() {
    int n = 0;
    for (const auto& probe : probes_) n += static_cast<int>(intervals_of(probe).size());
    return n;
  }

  // The faults both probe tests run through, each phase `phase` long: the given faults, a simulator
  // restart (faults set again), connections refused for longer than the renew deadline (the leader
  // must step down before the other candidate can see its lease expire), a graceful handover
  // (SIGTERM the leader; the other probe must take over, the SIGTERM'd one is replaced by a new
  // process that rejoins as a candidate); then every probe is stopped (leaders step down and release).
  void run_fault_schedule(const std::string& faults, std::chrono::milliseconds phase) {
    ASSERT_TRUE(sim_.set_faults(faults)) << all_logs();
    run_for(phase);
    // Same port, CA and token; the state survives in the state file. Faults set through the admin
    // endpoint do not survive it: set them again.
    ASSERT_TRUE(sim_.restart()) << sim_.startup_error() << "\n" << all_logs();
    ASSERT_TRUE(sim_.set_faults(faults)) << all_logs();
    run_for(phase);
    ASSERT_TRUE(sim_.refuse_connections(3s)) << all_logs();
    run_for(6s);
    ASSERT_TRUE(run_until([&] { return current_leader() >= 0; })) << all_logs();
    const int terminated = current_leader();
    const int leads_before = leading_count();
    ::kill(probes_[terminated].pid, SIGTERM);
    EXPECT_TRUE(run_until([&] {
      const int now = current_leader();
      return now >= 0 && now != terminated && leading_count() > leads_before;
    })) << all_logs();
    run_for(phase);
    EXPECT_TRUE(sim_.clear_faults());
    respawn_ = false;
    for (auto& probe : probes_) {
      if (probe.running()) ::kill(probe.pid, SIGTERM);
    }
    EXPECT_TRUE(run_until([&] {
      return std::none_of(probes_.begin(), probes_.end(), [](const Probe& p) { return p.running(); });
    })) << all_logs();
  }

  std::string all_logs() {
    std::string out;
    for (const auto& probe : probes_) {
      out += "--- " + probe.identity + " (exit " + std::to_string(probe.exit_code) + ")\n" +
             read_all(probe.log) + read_all(fs::path(probe.log).replace_extension(".err"));
    }
    return out + "--- kube-sim\n" + read_all(sim_.directory() / "kube-sim.log");
  }

  std::string state_dir_;
  rollguard::testing::KubeSimProcess sim_;
  std::vector<Probe> probes_;
  std::vector<std::string> slots_;  // slots_[i]: the slot of probes_[i]
  std::map<std::string, int> started_;
  bool respawn_ = true;
  std::vector<std::string> probe_args_;  // appended to every probe's command line
};

}  // namespace rollguard::testing::lease_probe
