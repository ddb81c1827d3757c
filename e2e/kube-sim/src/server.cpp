#include "server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <list>
#include <random>

#include "admin.hpp"
#include "faults/request_target.hpp"
#include "watch_stream.hpp"

namespace kubesim {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {
constexpr auto kIdleTimeout = 300s;  // keep-alive connections idle longer than this are closed
constexpr auto kWriteTimeout = 30s;
constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;

HttpRequest to_api_request(const http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  auto target = std::string(req.target());
  auto parsed = boost::urls::parse_origin_form(target);
  if (parsed) {
    r.path = parsed->path();
    // emplace keeps the first of a repeated key, as the API server's parameter conversion does.
    for (auto p : parsed->params()) r.query.emplace(p.key, p.has_value ? p.value : std::string());
  } else {
    r.path = target.substr(0, target.find('?'));
  }
  r.accept = std::string(req[http::field::accept]);
  r.content_type = std::string(req[http::field::content_type]);
  r.authorization = std::string(req[http::field::authorization]);
  r.user_agent = std::string(req[http::field::user_agent]);
  r.if_none_match = std::string(req[http::field::if_none_match]);
  r.body = req.body();
  return r;
}

// A watch the fault injector may cut: cutting closes the WatchStream and marks the connection to be
// dropped without the terminating chunk, as a network failure or an apiserver crash would.
struct CuttableWatch {
  std::shared_ptr<WatchStream> watch;
  bool cut = false;
  void cut_now() {
    cut = true;
    watch->close();
  }
};

// What a session needs besides its socket: the API, the faults and the admin actions.
struct Services {
  ApiServer& api;
  faults::FaultInjector& faults;
  AdminActions admin;
  std::list<std::weak_ptr<CuttableWatch>>& watches;
};

// Streams a watch as chunked JSON lines. A watch connection is never reused (Connection: close):
// a read is kept pending on it the whole time, so a client that goes away ends the watch at once
// instead of lingering until its next event or timeout.
template <class Stream>
net::awaitable<void> stream_watch(Stream& stream, unsigned version, Services& services,
                                  std::shared_ptr<WatchStream> watch_stream, const std::string& resource) {
  auto cuttable = std::make_shared<CuttableWatch>(CuttableWatch{std::move(watch_stream)});
  std::erase_if(services.watches, [](const auto& weak) { return weak.expired(); });
  services.watches.push_back(cuttable);
  WatchStream& watch = *cuttable->watch;

  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::content_type, "application/json");
  head.set(http::field::cache_control, "no-cache, private");
  head.chunked(true);
  head.keep_alive(false);
  http::response_serializer<http::empty_body> sr{head};
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write_header(stream, sr, net::as_tuple(net::use_awaitable));
  if (ec) {
    watch.close();
    co_return;
  }
  beast::get_lowest_layer(stream).expires_never();

  auto executor = co_await net::this_coro::executor;
  // The periodic cut (watchCutSeconds): the timer holds the watch, not this frame, so a late
  // expiry after the stream ended touches nothing that is gone.
  net::steady_timer cut_timer(executor);
  if (const auto cut_after = services.faults.watch_cut(); cut_after.count() > 0) {
    cut_timer.expires_after(cut_after);
    cut_timer.async_wait([cuttable, cut_after, resource](boost::system::error_code timer_error) {
      if (timer_error || cuttable->cut) return;
      spdlog::info("fault: cutting a {} watch after {} ms", resource, cut_after.count());
      cuttable->cut_now();
    });
  }

  net::steady_timer reader_done(executor, net::steady_timer::time_point::max());
  bool reader_finished = false;
  char byte = 0;
  // Full duplex (one read + one write in flight) is supported by Asio sockets and SSL streams.
  net::co_spawn(
      executor,
      [&]() -> net::awaitable<void> {
        co_await stream.async_read_some(net::buffer(&byte, 1), net::as_tuple(net::use_awaitable));
        reader_finished = true;
        watch.close();
        reader_done.cancel();
      },
      net::detached);

  while (auto line = co_await watch.next()) {
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [wec, wn] = co_await net::async_write(stream, http::make_chunk(net::buffer(*line)),
                                               net::as_tuple(net::use_awaitable));
    if (wec) {
      watch.close();
      break;
    }
    // basic_stream's timer outlives the write: a quiet watch must not time out its next write.
    beast::get_lowest_layer(stream).expires_never();
  }
  cut_timer.cancel();
  if (cuttable->cut) {
    // Dropped mid-stream: no terminating chunk; the client sees the connection end.
    beast::get_lowest_layer(stream).close();
  } else if (!reader_finished) {
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    co_await net::async_write(stream, http::make_chunk_last(), net::as_tuple(net::use_awaitable));
  }
  spdlog::debug("watch stream ended ({})", reader_finished ? "client closed the connection"
                                           : cuttable->cut ? "cut by a fault"
                                                           : "server side");
  // The reader references this frame: wait for it before returning.
  if (!reader_finished) {
    beast::get_lowest_layer(stream).cancel();
    co_await reader_done.async_wait(net::as_tuple(net::use_awaitable));
  }
}

HttpResponse injected_response(const faults::InjectedError& injected) {
  HttpResponse response;
  response.status = static_cast<unsigned>(injected.code);
  response.body = boost::json::serialize(injected.status_body());
  if (injected.retry_after_seconds > 0)
    response.headers.emplace_back("Retry-After", std::to_string(injected.retry_after_seconds));
  return response;
}

template <class Stream>
net::awaitable<void> serve(Stream& stream, Services& services) {
  beast::flat_buffer buffer;
  for (;;) {
    beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    // While connections are refused, the open ones are dropped too (an apiserver that went away).
    if (services.faults.refusing_connections()) co_return;
    auto req = parser.release();
    const HttpRequest api_request = to_api_request(req);
    HttpResponse res;
    faults::RequestTarget target;
    if (is_admin_path(api_request.path)) {
      res = handle_admin(api_request, services.admin);
    } else {
      target = faults::describe_request(api_request.method, api_request.path, api_request.query);
      if (target.is_resource) {
        const auto held = services.faults.delay_for(target.verb, target.resource);
        if (held.count() > 0)
          spdlog::info("fault: {} {} {} delayed {} ms", target.verb, target.resource, api_request.path,
                       held.count());
        // Taken now: a fault cleared meanwhile does not shorten a request already held.
        const auto wait = services.faults.latency() + held;
        if (wait.count() > 0) {
          net::steady_timer delay(co_await net::this_coro::executor, wait);
          co_await delay.async_wait(net::as_tuple(net::use_awaitable));
        }
      }
      std::optional<faults::InjectedError> injected;
      if (target.is_resource) injected = services.faults.error_for(target.verb, target.resource);
      if (injected) {
        spdlog::info("fault: {} {} answered {} {}", target.verb, target.resource, injected->code,
                     injected->reason);
        res = injected_response(*injected);
      } else {
        res = services.api.handle(api_request);
      }
      // The API layer's own debug line also counts the simulated controllers' requests; this one is
      // what clients on the network got (tests count a controller's writes by it).
      if (target.is_resource)
        spdlog::debug("client: {} {} -> {}", api_request.method, api_request.path, res.status);
    }
    if (res.watch) {
      co_await stream_watch(stream, req.version(), services, std::move(res.watch), target.resource);
      co_return;
    }
    http::response<http::string_body> out{static_cast<http::status>(res.status), req.version()};
    out.set(http::field::content_type, res.content_type);
    out.set(http::field::cache_control, "no-cache, private");
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    out.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) out.body() = std::move(res.body);
    out.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
    auto [wec, wn] = co_await http::async_write(stream, out, net::as_tuple(net::use_awaitable));
    if (wec || !out.keep_alive()) co_return;
  }
}
}  // namespace

struct Server::Impl {
  net::io_context& io;
  ApiServer& api;
  ServerOptions options;
  tcp::acceptor acceptor;
  tcp::endpoint bound;
  std::optional<ssl::context> tls;
  std::mt19937_64 random{std::random_device{}()};
  faults::FaultInjector faults;
  std::list<std::weak_ptr<CuttableWatch>> watches;
  Services services;
  net::steady_timer reopen_timer;
  bool stopped = false;

  Impl(net::io_context& io_, ApiServer& api_, ServerOptions o)
      : io(io_),
        api(api_),
        options(std::move(o)),
        acceptor(io_),
        faults([this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random); },
               [] { return std::chrono::steady_clock::now(); }),
        services{api_, faults,
                 AdminActions{faults, api_, [this](std::chrono::milliseconds d) { refuse_for(d); },
                              [this] { cut_watches(); }},
                 watches},
        reopen_timer(io_) {}

  void cut_watches() {
    for (auto& weak : watches)
      if (auto watch = weak.lock()) watch->cut_now();
    watches.clear();
  }

  void listen() {
    acceptor.open(bound.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(bound);
    acceptor.listen(net::socket_base::max_listen_connections);
    bound = acceptor.local_endpoint();
    net::co_spawn(io, accept_loop(), net::detached);
  }

  // Closes the listening socket (clients get "connection refused"), drops the open watches, and
  // listens again on the same port afterwards.
  void refuse_for(std::chrono::milliseconds duration) {
    spdlog::warn("fault: refusing connections for {} ms", duration.count());
    faults.refuse_connections_for(duration);
    beast::error_code ignored;
    acceptor.close(ignored);
    cut_watches();
    reopen_timer.expires_after(duration);
    reopen_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || stopped || acceptor.is_open()) return;
      try {
        listen();
        spdlog::warn("fault: accepting connections again on port {}", bound.port());
      } catch (const std::exception& e) {
        spdlog::error("fault: cannot listen again on port {}: {}", bound.port(), e.what());
      }
    });
  }

  net::awaitable<void> session_plain(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve(stream, services);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  net::awaitable<void> session_tls(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    beast::get_lowest_layer(stream).expires_after(10s);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    co_await serve(stream, services);
    beast::get_lowest_layer(stream).expires_after(2s);
    co_await stream.async_shutdown(net::as_tuple(net::use_awaitable));
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto on_done = [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::warn("session ended with error: {}", ex.what());
        }
      };
      if (tls) {
        net::co_spawn(io, session_tls(std::move(socket)), on_done);
      } else {
        net::co_spawn(io, session_plain(std::move(socket)), on_done);
      }
    }
  }
};

Server::Server(net::io_context& io, ApiServer& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(io, api, std::move(options))) {}

Server::~Server() = default;

unsigned short Server::start() {
  auto& i = *impl_;
  if (i.options.tls) {
    i.tls.emplace(ssl::context::tls_server);
    i.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    i.tls->use_certificate_chain(net::buffer(i.options.cert_pem));
    i.tls->use_private_key(net::buffer(i.options.key_pem), ssl::context::pem);
  }
  i.bound = tcp::endpoint(net::ip::make_address(i.options.address), i.options.port);
  i.listen();
  port_ = i.bound.port();
  return port_;
}

void Server::stop() {
  impl_->stopped = true;
  impl_->reopen_timer.cancel();
  beast::error_code ec;
  impl_->acceptor.close(ec);
  impl_->api.close_watches();
}

faults::FaultInjector& Server::faults() { return impl_->faults; }

}  // namespace kubesim
