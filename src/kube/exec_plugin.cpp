// Exec credential plugins (client.authentication.k8s.io v1 / v1beta1): run the plugin as a child
// process, cache its answer until expirationTimestamp, run it again after a 401. Callers that
// arrive while it runs wait for that same run instead of starting their own.
#include "kube/exec_plugin.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>

#include "kube/exec_credential.hpp"
#include "kube/process.hpp"

extern char** environ;

namespace rollguard::kube::detail {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kStderrInMessage = 1024;

std::string stderr_excerpt(std::string err) {
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r' || err.back() == ' ')) err.pop_back();
  if (err.empty()) return {};
  if (err.size() > kStderrInMessage) err = err.substr(0, kStderrInMessage) + "... (truncated)";
  return ": " + err;
}

// The parent's environment, then the kubeconfig's env entries (replacing same-named variables),
// then KUBERNETES_EXEC_INFO.
std::vector<std::string> plugin_environment(const ExecConfig& exec, const std::string& info) {
  std::vector<std::pair<std::string, std::string>> vars;
  auto set = [&vars](const std::string& name, const std::string& value) {
    for (auto& v : vars) {
      if (v.first == name) {
        v.second = value;
        return;
      }
    }
    vars.emplace_back(name, value);
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) set(entry.substr(0, eq), entry.substr(eq + 1));
  }
  for (const auto& [name, value] : exec.env) set(name, value);
  set("KUBERNETES_EXEC_INFO", info);
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

class ExecSource final : public CredentialSource, public std::enable_shared_from_this<ExecSource> {
 public:
  ExecSource(asio::any_io_executor executor, const Config& config, WallClock clock, CredentialOptions options)
      : executor_(std::move(executor)),
        exec_(*config.exec),
        info_(exec_info_json(*config.exec, config)),
        clock_(std::move(clock)),
        options_(std::move(options)) {}

  asio::awaitable<Result<Credentials>> get() override {
    if (cached_ && (!expiration_ || clock_() < *expiration_)) co_return *cached_;
    auto flight = flight_;
    if (!flight) {
      flight = std::make_shared<Flight>(executor_);
      flight_ = flight;
      asio::co_spawn(executor_, run(flight), asio::detached);
    }
    while (!flight->result) {
      boost::system::error_code ec;
      co_await flight->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return *flight->result;
  }

  void invalidate() override {
    cached_.reset();
    expiration_.reset();
  }

 private:
  // One plugin run and everyone waiting for it; `done` is cancelled to wake the waiters.
  struct Flight {
    explicit Flight(const asio::any_io_executor& executor)
        : done(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer done;
    std::optional<Result<Credentials>> result;
  };

  asio::awaitable<void> run(std::shared_ptr<Flight> flight) {
    auto self = shared_from_this();  // the source outlives its run even if the caller drops it
    Result<ExecCredentialStatus> status = co_await run_plugin();
    if (status) {
      cached_ = status->credentials;
      expiration_ = status->expiration;
      flight->result = status->credentials;
    } else {
      // Failures are not cached: the next get() runs the plugin again.
      flight->result = status.error();
    }
    if (flight_ == flight) flight_.reset();
    flight->done.cancel();
  }

  asio::awaitable<Result<ExecCredentialStatus>> run_plugin() {
    const char* path_env = std::getenv("PATH");
    auto path =
        resolve_exec_command(exec_, options_.path_env ? *options_.path_env : (path_env ? path_env : ""));
    if (!path) co_return path.error();
    ProcessSpec spec;
    spec.path = *path;
    spec.argv.push_back(exec_.command);
    spec.argv.insert(spec.argv.end(), exec_.args.begin(), exec_.args.end());
    spec.env = plugin_environment(exec_, info_);
    spec.timeout = options_.exec_timeout;
    auto output = co_await run_process(std::move(spec));
    if (!output) co_return exec_error(exec_, output.error().message());
    if (output->timed_out) {
      co_return exec_error(exec_, "timed out after " + std::to_string(options_.exec_timeout.count()) +
                                      " ms and was killed" + stderr_excerpt(output->err));
    }
    if (output->signal != 0) {
      co_return exec_error(
          exec_, "killed by signal " + std::to_string(output->signal) + stderr_excerpt(output->err));
    }
    if (output->exited && output->exit_code != 0) {
      co_return exec_error(
          exec_, "exited with status " + std::to_string(output->exit_code) + stderr_excerpt(output->err));
    }
    co_return parse_exec_credential(output->out, exec_);
  }

  asio::any_io_executor executor_;
  ExecConfig exec_;
  std::string info_;
  WallClock clock_;
  CredentialOptions options_;
  std::optional<Credentials> cached_;
  std::optional<std::chrono::system_clock::time_point> expiration_;
  std::shared_ptr<Flight> flight_;
};

}  // namespace

std::shared_ptr<CredentialSource> make_exec_source(asio::any_io_executor executor, const Config& config,
                                                   WallClock clock, const CredentialOptions& options) {
  return std::make_shared<ExecSource>(std::move(executor), config, std::move(clock), options);
}

}  // namespace rollguard::kube::detail
