#pragma once
// Runs a child process without blocking the io_context (internal to src/kube; used for exec
// credential plugins): posix_spawn, stdout/stderr read through pipes as Asio descriptors, a
// deadline after which the child's whole process group is killed.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "kube/result.hpp"

namespace rollguard::kube::detail {

struct ProcessSpec {
  std::string path;               // executable, already resolved (no $PATH search here)
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // the complete environment, "NAME=value"
  std::chrono::milliseconds timeout{30000};
  std::size_t max_output = 1 << 20;  // per stream; the rest is read and dropped
};

struct ProcessOutput {
  bool exited = false;  // exited normally (exit_code valid)
  int exit_code = -1;
  int signal = 0;  // killed by this signal
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Errors only when the process cannot be started (ErrorKind::Config, message names the path).
// stdin is /dev/null: credential plugins run non-interactively.
boost::asio::awaitable<Result<ProcessOutput>> run_process(ProcessSpec spec);

}  // namespace rollguard::kube::detail
