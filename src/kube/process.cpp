#include "kube/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>

namespace rollguard::kube::detail {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

// Kills and reaps the child if the coroutine is abandoned (io_context stopped mid-run), so no
// zombie or orphaned plugin outlives us.
struct ChildGuard {
  pid_t pid = -1;
  bool reaped = false;
  ~ChildGuard() {
    if (pid > 0 && !reaped) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

asio::awaitable<void> read_all(asio::posix::stream_descriptor& stream, std::string& into, std::size_t limit) {
  char buffer[4096];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n =
        co_await stream.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (n > 0 && into.size() < limit) into.append(buffer, std::min(n, limit - into.size()));
    if (ec) co_return;  // EOF, or canceled by the deadline
  }
}

asio::awaitable<bool> expire(asio::steady_timer& timer) {
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

asio::awaitable<Result<ProcessOutput>> run_process(ProcessSpec spec) {
  auto executor = co_await asio::this_coro::executor;
  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC: our ends must not leak into other children spawned concurrently.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    co_return Error(ErrorKind::Config, std::string("pipe: ") + std::strerror(errno));
  Fd out_read{out_pipe[0]}, out_write{out_pipe[1]};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    co_return Error(ErrorKind::Config, std::string("pipe: ") + std::strerror(errno));
  Fd err_read{err_pipe[0]}, err_write{err_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so the deadline can kill the plugin together with anything it started;
  // default signal dispositions and an empty mask, whatever the parent has set.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);
  ChildGuard child;
  const int rc = ::posix_spawn(&child.pid, spec.path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    child.pid = -1;
    co_return Error(ErrorKind::Config, "cannot run " + spec.path + ": " + std::strerror(rc));
  }
  // Close our copies of the write ends, or the reads below would never see EOF.
  ::close(out_write.release());
  ::close(err_write.release());

  asio::posix::stream_descriptor out(executor, out_read.release());
  asio::posix::stream_descriptor err(executor, err_read.release());
  const auto deadline = std::chrono::steady_clock::now() + spec.timeout;
  asio::steady_timer timer(executor, deadline);
  ProcessOutput output;
  auto first =
      co_await ((read_all(out, output.out, spec.max_output) && read_all(err, output.err, spec.max_output)) ||
                expire(timer));
  bool killed = false;
  if (first.index() == 1) {
    output.timed_out = true;
    ::kill(-child.pid, SIGKILL);
    killed = true;
  }
  out.close();
  err.close();

  // Reap without blocking: the child may close its pipes before it exits. Poll briefly, and
  // enforce the same deadline on a child that closed its output but never exits.
  std::chrono::milliseconds pause{1};
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(child.pid, &status, WNOHANG);
    if (r == child.pid) {
      child.reaped = true;
      if (WIFEXITED(status)) {
        output.exited = true;
        output.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        output.signal = WTERMSIG(status);
      }
      break;
    }
    if (r < 0 && errno != EINTR) {
      // ECHILD: someone else reaped it (SIGCHLD ignored process-wide); the status is unknown.
      child.reaped = true;
      break;
    }
    if (!killed && std::chrono::steady_clock::now() >= deadline) {
      output.timed_out = true;
      ::kill(-child.pid, SIGKILL);
      killed = true;
    }
    timer.expires_after(pause);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  co_return output;
}

}  // namespace rollguard::kube::detail
