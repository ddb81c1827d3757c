// The typed-enough helpers of kube::Client: request building (request.hpp) + send() + JSON decoding.
// The helpers are deliberately plain functions that build the Request eagerly and return call()'s
// awaitable: no coroutine frame holds their by-value option parameters.
//
// GCC 12 (Debian's) destroys a braced temporary twice when it appears inside a co_await
// expression, e.g. `co_await client->watch(r, ns, {})` ("free(): invalid pointer"). Inside
// coroutines, pass named option objects, never `{}`.
#include "kube/client.hpp"

#include <boost/json.hpp>

namespace rollguard::kube {
namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<Result<json::value>> Client::call(Request request) {
  auto response = co_await send(std::move(request));
  if (!response) co_return response.error();
  boost::system::error_code ec;
  json::value body = json::parse(response->body, ec);
  if (ec) co_return Error(ErrorKind::Decode, "response is not JSON: " + ec.message());
  co_return body;
}

asio::awaitable<Result<json::value>> Client::get(const ResourceDescriptor& r, std::string_view ns,
                                                 std::string_view name) {
  return call(requests::get(r, ns, name));
}

asio::awaitable<Result<json::value>> Client::list(const ResourceDescriptor& r, std::string_view ns,
                                                  const ListOptions& options) {
  return call(requests::list(r, ns, options));
}

asio::awaitable<Result<std::unique_ptr<WatchStream>>> Client::watch(const ResourceDescriptor& r,
                                                                    std::string_view ns,
                                                                    const WatchOptions& options) {
  return open_watch(requests::watch(r, ns, options));
}

asio::awaitable<Result<json::value>> Client::create(const ResourceDescriptor& r, std::string_view ns,
                                                    const json::value& object, const WriteOptions& options) {
  return call(requests::create(r, ns, object, options));
}

asio::awaitable<Result<json::value>> Client::replace(const ResourceDescriptor& r, std::string_view ns,
                                                     std::string_view name, const json::value& object,
                                                     const WriteOptions& options) {
  return call(requests::replace(r, ns, name, object, options));
}

asio::awaitable<Result<json::value>> Client::replace_status(const ResourceDescriptor& r, std::string_view ns,
                                                            std::string_view name, const json::value& object,
                                                            const WriteOptions& options) {
  return call(requests::replace(r, ns, name, object, options, "status"));
}

asio::awaitable<Result<json::value>> Client::patch(const ResourceDescriptor& r, std::string_view ns,
                                                   std::string_view name, PatchType type, std::string body,
                                                   const PatchOptions& options,
                                                   std::string_view subresource) {
  return call(requests::patch(r, ns, name, type, std::move(body), options, subresource));
}

asio::awaitable<Result<json::value>> Client::remove(const ResourceDescriptor& r, std::string_view ns,
                                                    std::string_view name, const DeleteOptions& options) {
  return call(requests::remove(r, ns, name, options));
}

}  // namespace rollguard::kube
