#pragma once
// The asynchronous Kubernetes client: one object per API server, shared by all callers on one
// io_context. Every call is a coroutine that completes with a Result; nothing here throws.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "kube/config.hpp"
#include "kube/request.hpp"
#include "kube/result.hpp"
#include "kube/watch_event.hpp"

namespace rollguard::kube {

struct Response {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::string> warnings;  // Warning headers (e.g. fieldValidation=Warn)
};

// An open watch: next() yields events until the server ends the stream (nullopt), or an error.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // Honours per-operation cancellation (a cancellation slot bound to the coroutine that awaits it,
  // awaitable operators' ||): the pending next() completes with Canceled. A read interrupted that
  // way closes the stream; destroying it afterwards is fine.
  virtual boost::asio::awaitable<Result<std::optional<WatchEvent>>> next() = 0;
  // Closes the connection; a pending next() completes with Canceled.
  virtual void cancel() = 0;
};

// kube/clock.hpp; declared only, so that every includer of the client is spared Asio timers.
class Clock;

struct ClientOptions {
  std::chrono::milliseconds request_timeout{30000};
  // Client-side token bucket; qps <= 0 disables it (rely on API Priority and Fairness).
  double qps = 0;
  int burst = 0;
  // Keep-alive connections kept per client.
  int max_idle_connections = 8;
  std::string user_agent = "rollguard/0.1";
  // Time for the token bucket, Retry-After holds and credential expiry; nullptr = Clock::real().
  std::shared_ptr<Clock> clock;
};

// Defaults are named constants, never `= {}`: GCC 12 destroys a braced default argument twice when
// the call sits inside a co_await expression (see the README's developer notes).
inline const ListOptions kListOptions{};
inline const WriteOptions kWriteOptions{};
inline const PatchOptions kPatchOptions{};
inline const DeleteOptions kDeleteOptions{};

class Client {
 public:
  static Result<std::shared_ptr<Client>> create(boost::asio::any_io_executor executor, Config config,
                                                ClientOptions options = {});
  virtual ~Client() = default;

  // Sends any request and returns the raw answer; non-2xx answers become Error::from_status.
  virtual boost::asio::awaitable<Result<Response>> send(Request request) = 0;
  // Opens a watch stream (request.watch must be set).
  virtual boost::asio::awaitable<Result<std::unique_ptr<WatchStream>>> open_watch(Request request) = 0;

  // Typed-enough helpers on top of send(): decode the JSON body.
  boost::asio::awaitable<Result<boost::json::value>> call(Request request);
  boost::asio::awaitable<Result<boost::json::value>> get(const ResourceDescriptor& r, std::string_view ns,
                                                         std::string_view name);
  boost::asio::awaitable<Result<boost::json::value>> list(const ResourceDescriptor& r, std::string_view ns,
                                                          const ListOptions& options = kListOptions);
  boost::asio::awaitable<Result<std::unique_ptr<WatchStream>>> watch(const ResourceDescriptor& r,
                                                                     std::string_view ns,
                                                                     const WatchOptions& options);
  boost::asio::awaitable<Result<boost::json::value>> create(const ResourceDescriptor& r, std::string_view ns,
                                                            const boost::json::value& object,
                                                            const WriteOptions& options = kWriteOptions);
  boost::asio::awaitable<Result<boost::json::value>> replace(const ResourceDescriptor& r, std::string_view ns,
                                                             std::string_view name,
                                                             const boost::json::value& object,
                                                             const WriteOptions& options = kWriteOptions);
  boost::asio::awaitable<Result<boost::json::value>> replace_status(
      const ResourceDescriptor& r, std::string_view ns, std::string_view name,
      const boost::json::value& object, const WriteOptions& options = kWriteOptions);
  boost::asio::awaitable<Result<boost::json::value>> patch(const ResourceDescriptor& r, std::string_view ns,
                                                           std::string_view name, PatchType type,
                                                           std::string body,
                                                           const PatchOptions& options = kPatchOptions,
                                                           std::string_view subresource = std::string_view());
  boost::asio::awaitable<Result<boost::json::value>> remove(const ResourceDescriptor& r, std::string_view ns,
                                                            std::string_view name,
                                                            const DeleteOptions& options = kDeleteOptions);
};

}  // namespace rollguard::kube
