#pragma once
// Bearer credentials for requests: a static token, a token file that is re-read when it changes, or
// an exec credential plugin whose answer is cached until its expirationTimestamp and re-run after a
// 401. The plugin runs as a child process without blocking the io_context.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>

#include "kube/config.hpp"
#include "kube/result.hpp"

namespace rollguard::kube {

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

// Picks the source for a config (exec > token_file > token > none).
std::shared_ptr<CredentialSource> make_credential_source(boost::asio::any_io_executor executor,
                                                         const Config& config, WallClock clock = {});

}  // namespace rollguard::kube
