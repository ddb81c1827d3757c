// The HTTP client behind kube::Client: bearer credentials with a refresh on 401, the client-side
// token bucket and Retry-After on 429, over the connection layer (transport_pool.hpp: keep-alive
// pool, TLS, deadlines; watch_stream.cpp: chunked watch streams). No Beast here: the decisions of
// retry.hpp applied around RawResponses.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "kube/auth.hpp"
#include "kube/client.hpp"
#include "kube/clock.hpp"
#include "kube/rate_limiter.hpp"
#include "kube/retry.hpp"
#include "kube/transport_pool.hpp"

namespace rollguard::kube {
namespace {
namespace asio = boost::asio;
using detail::RetryPolicy;

class HttpClient final : public Client, public std::enable_shared_from_this<HttpClient> {
 public:
  HttpClient(asio::any_io_executor executor, const Config& config, ClientOptions options,
             std::unique_ptr<detail::ConnectionPool> pool)
      : clock_(options.clock ? options.clock : Clock::real()),
        credentials_(make_credential_source(std::move(executor), config,
                                            [clock = clock_] { return clock->system_now(); })),
        bucket_(options.qps, options.burst),
        pool_(std::move(pool)) {}

  asio::awaitable<Result<Response>> send(Request request) override {
    auto self = shared_from_this();
    if (request.watch) co_return Error(ErrorKind::Invalid, "watch requests go through open_watch()");
    RetryPolicy retry;
    for (;;) {
      co_await throttle();
      auto credentials = co_await credentials_->get();
      if (!credentials) co_return credentials.error();
      auto exchanged = co_await pool_->exchange(request, *credentials);
      if (!exchanged) co_return exchanged.error();
      auto& response = exchanged.value();
      if (again(retry, response)) continue;
      if (response.status < 200 || response.status >= 300) {
        co_return detail::error_from_response(response.status, response.body, response.retry_after);
      }
      co_return Response{.status = response.status,
                         .body = std::move(response.body),
                         .content_type = std::move(response.content_type),
                         .warnings = std::move(response.warnings)};
    }
  }

  asio::awaitable<Result<std::unique_ptr<WatchStream>>> open_watch(Request request) override {
    auto self = shared_from_this();
    if (!request.watch) co_return Error(ErrorKind::Invalid, "open_watch() needs a watch request");
    RetryPolicy retry;
    for (;;) {
      co_await throttle();
      auto credentials = co_await credentials_->get();
      if (!credentials) co_return credentials.error();
      auto opened = co_await pool_->open_watch(request, *credentials);
      if (!opened) co_return opened.error();
      if (opened->stream) co_return std::move(opened->stream);
      const auto& refused = opened->refused;
      if (again(retry, refused)) continue;
      co_return detail::error_from_response(refused.status, refused.body, refused.retry_after);
    }
  }

 private:
  // Applies the retry policy's decision to this client; true when the request should be sent again.
  bool again(RetryPolicy& retry, const detail::RawResponse& response) {
    const auto decision = retry.next(response.status, response.retry_after);
    switch (decision.action) {
      case RetryPolicy::Action::RefreshCredentials:
        credentials_->invalidate();
        return true;
      case RetryPolicy::Action::Throttle:
        bucket_.hold_until(clock_->now() + decision.hold);
        return true;
      case RetryPolicy::Action::GiveUp:
        return false;
    }
    return false;
  }

  asio::awaitable<void> throttle() {
    const auto wait = bucket_.reserve(clock_->now());
    if (wait > Clock::duration::zero()) co_await clock_->sleep_for(wait);
  }

  std::shared_ptr<Clock> clock_;
  std::shared_ptr<CredentialSource> credentials_;
  TokenBucket bucket_;
  std::unique_ptr<detail::ConnectionPool> pool_;
};

}  // namespace

Result<std::shared_ptr<Client>> Client::create(asio::any_io_executor executor, Config config,
                                               ClientOptions options) {
  auto endpoint = detail::parse_endpoint(config);
  if (!endpoint) return endpoint.error();
  auto pool = detail::ConnectionPool::create(executor, config, options, std::move(*endpoint));
  if (!pool) return pool.error();
  return std::shared_ptr<Client>(
      std::make_shared<HttpClient>(std::move(executor), config, std::move(options), std::move(*pool)));
}

}  // namespace rollguard::kube
