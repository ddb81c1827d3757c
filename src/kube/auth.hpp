#pragma once
// Bearer credentials for requests: a static token, a token file that is re-read when it changes, or
// an exec credential plugin whose answer is cached until its expirationTimestamp and re-run after a
// 401. The plugin runs as a child process without blocking the io_context.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kube/config.hpp"
#include "kube/result.hpp"

namespace rollguard::kube {

// Wall time for credential expiry. A plain function rather than a kube::Clock: credential sources
// only ever read the time (they never sleep), and tests pin it with a lambda. The client hands them
// its Clock's system_now(), so one FakeClock still drives both.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct Credentials {
  std::string token;  // empty = no Authorization header
  // Exec plugins may return a client certificate instead of a token.
  std::string client_certificate_pem;
  std::string client_key_pem;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual boost::asio::awaitable<Result<Credentials>> get() = 0;
  // The server answered 401 with these credentials: drop any cache so the next get() refreshes.
  virtual void invalidate() = 0;
};

struct CredentialOptions {
  // client-go re-reads a tokenFile every minute (half the shortest TokenRequest lifetime); a 401
  // (invalidate()) forces a re-read before that.
  std::chrono::seconds token_file_refresh{60};
  // An exec plugin that has not finished by then is killed with its process group.
  std::chrono::milliseconds exec_timeout{30000};
  // $PATH used to find a bare exec command; nullopt = this process's $PATH.
  std::optional<std::string> path_env;
};

// Picks the source for a config (exec > token_file > token > none). A token_file source falls back to
// the static token while the file has never been read successfully (client-go's BearerTokenFile).
// Sources are not thread-safe: use one from a single io_context thread (or one strand); concurrent
// get() coroutines there share one plugin run.
std::shared_ptr<CredentialSource> make_credential_source(boost::asio::any_io_executor executor,
                                                         const Config& config, WallClock clock = {},
                                                         CredentialOptions options = {});

}  // namespace rollguard::kube
