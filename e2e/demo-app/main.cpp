// demo-app: the workload of rollguard's demo and scenarios. A small HTTP service whose health,
// error ratio and latency are set by flags (or env, as a pod's container spec would), that serves
// Prometheus metrics and drives its own steady request load so rates and quantiles are real.
//   GET /         "hello from demo-app <version>"; 500 for --error-ratio of requests; --latency-ms
//   GET /health   200, or 503 with --unhealthy / --never-ready
//   GET /ready    200, or 503 with --never-ready
//   GET /metrics  http_requests_total{code}, http_request_duration_seconds (histogram), demo_app_info
// Only `/` is counted in the request metrics (probes and scrapes would dilute the error ratio).
// One thread, one io_context: nothing here blocks. SIGTERM/SIGINT → exit 0 at once.
#include <CLI/CLI.hpp>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <string>

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Options {
  unsigned short port = 8080;
  std::string bind = "127.0.0.1";
  double error_ratio = 0;
  int latency_ms = 0;
  int latency_jitter_ms = 0;
  bool unhealthy = false;
  bool never_ready = false;
  double crash_after = 0;  // seconds; 0 = never
  std::string version = "v1";
  double load_rps = 20;
};

// The histogram buckets of http_request_duration_seconds (Prometheus client defaults, to 10 s).
constexpr std::array<double, 11> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

struct Metrics {
  std::map<int, unsigned long long> requests;  // by status code
  std::array<unsigned long long, kBuckets.size()> buckets{};
  double sum = 0;
  unsigned long long count = 0;

  void observe(int code, double seconds) {
    ++requests[code];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      if (seconds <= kBuckets[i]) ++buckets[i];
    sum += seconds;
    ++count;
  }

  std::string render(const std::string& version) const {
    std::string out;
    char line[160];
    out += "# HELP http_requests_total Requests to / by status code.\n# TYPE http_requests_total counter\n";
    // Both codes always present: a rate over a series that does not exist yet would be "no data".
    for (int code : {200, 500}) {
      auto it = requests.find(code);
      std::snprintf(line, sizeof line, "http_requests_total{code=\"%d\"} %llu\n", code,
                    it == requests.end() ? 0ULL : it->second);
      out += line;
    }
    for (const auto& [code, n] : requests) {
      if (code == 200 || code == 500) continue;
      std::snprintf(line, sizeof line, "http_requests_total{code=\"%d\"} %llu\n", code, n);
      out += line;
    }
    out +=
        "# HELP http_request_duration_seconds Time to answer / (server side).\n"
        "# TYPE http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      std::snprintf(line, sizeof line, "http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[i],
                    buckets[i]);
      out += line;
    }
    std::snprintf(line, sizeof line, "http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", count);
    out += line;
    std::snprintf(line, sizeof line,
                  "http_request_duration_seconds_sum %.6f\nhttp_request_duration_seconds_count %llu\n", sum,
                  count);
    out += line;
    out += "# HELP demo_app_info The demo-app's version.\n# TYPE demo_app_info gauge\n";
    out += "demo_app_info{version=\"" + version + "\"} 1\n";
    return out;
  }
};

class App {
 public:
  App(asio::io_context& io, Options options) : io_(io), options_(std::move(options)), acceptor_(io) {}

  bool listen() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.bind, ec);
    if (ec) {
      std::cerr << "demo-app: bad --bind address " << options_.bind << "\n";
      return false;
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      std::cerr << "demo-app: listen on " << options_.bind << ":" << options_.port << ": " << ec.message()
                << "\n";
      return false;
    }
    self_ = acceptor_.local_endpoint();
    std::cout << "demo-app " << options_.version << " listening on " << self_.address().to_string() << ":"
              << self_.port() << " (error ratio " << options_.error_ratio << ", latency "
              << options_.latency_ms << "±" << options_.latency_jitter_ms << " ms, load " << options_.load_rps
              << " rps" << (options_.unhealthy ? ", unhealthy" : "")
              << (options_.never_ready ? ", never ready" : "") << ")" << std::endl;
    return true;
  }

  void start() {
    asio::co_spawn(io_, accept(), asio::detached);
    if (options_.load_rps > 0) asio::co_spawn(io_, load(), asio::detached);
  }

 private:
  asio::awaitable<void> accept() {
    while (acceptor_.is_open()) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec == asio::error::operation_aborted) break;
      if (ec) continue;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  std::chrono::milliseconds latency() {
    int ms = options_.latency_ms;
    if (options_.latency_jitter_ms > 0) {
      std::uniform_int_distribution<int> jitter(-options_.latency_jitter_ms, options_.latency_jitter_ms);
      ms += jitter(random_);
    }
    return std::chrono::milliseconds(std::max(ms, 0));
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      stream.expires_after(std::chrono::seconds(60));
      auto [read_ec, read] = co_await http::async_read(stream, buffer, request, kTuple);
      if (read_ec) break;
      const auto path = std::string(request.target().substr(0, request.target().find('?')));
      http::status status = http::status::ok;
      std::string body, type = "text/plain; charset=utf-8";
      if (path == "/health") {
        const bool bad = options_.unhealthy || options_.never_ready;
        status = bad ? http::status::service_unavailable : http::status::ok;
        body = bad ? "unhealthy\n" : "ok\n";
      } else if (path == "/ready" || path == "/readyz") {
        status = options_.never_ready ? http::status::service_unavailable : http::status::ok;
        body = options_.never_ready ? "not ready\n" : "ready\n";
      } else if (path == "/metrics") {
        body = metrics_.render(options_.version);
        type = "text/plain; version=0.0.4; charset=utf-8";
      } else if (path == "/") {
        const auto start = std::chrono::steady_clock::now();
        if (const auto delay = latency(); delay.count() > 0) {
          asio::steady_timer timer(io_, delay);
          co_await timer.async_wait(kTuple);
        }
        const bool fail = std::bernoulli_distribution(options_.error_ratio)(random_);
        status = fail ? http::status::internal_server_error : http::status::ok;
        body = fail ? "injected error\n" : "hello from demo-app " + options_.version + "\n";
        metrics_.observe(static_cast<int>(status),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      } else {
        status = http::status::not_found;
        body = "not found\n";
      }
      http::response<http::string_body> response{status, request.version()};
      response.set(http::field::content_type, type);
      response.set("X-Demo-Version", options_.version);
      response.keep_alive(request.keep_alive());
      response.body() = std::move(body);
      response.prepare_payload();
      auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
      if (write_ec || !response.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  // One GET / on its own connection; the load must not stall when requests are slow, so every
  // request runs on its own and at most kMaxInFlight at once.
  asio::awaitable<void> one_request() {
    ++in_flight_;
    beast::tcp_stream stream(io_);
    stream.expires_after(std::chrono::seconds(15));
    auto [connect_ec] = co_await stream.async_connect(self_, kTuple);
    if (!connect_ec) {
      http::request<http::empty_body> request{http::verb::get, "/", 11};
      request.set(http::field::host, self_.address().to_string());
      request.set(http::field::user_agent, "demo-app-load");
      request.keep_alive(false);
      auto [write_ec, written] = co_await http::async_write(stream, request, kTuple);
      if (!write_ec) {
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        auto [read_ec, read] = co_await http::async_read(stream, buffer, response, kTuple);
        (void)read_ec;
      }
    }
    boost::system::error_code ignored;
    stream.socket().close(ignored);
    --in_flight_;
  }

  asio::awaitable<void> load() {
    constexpr int kMaxInFlight = 200;
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / options_.load_rps));
    asio::steady_timer timer(io_);
    auto next = std::chrono::steady_clock::now();
    for (;;) {
      next += period;
      timer.expires_at(next);
      auto [ec] = co_await timer.async_wait(kTuple);
      if (ec) break;
      if (in_flight_ < kMaxInFlight) asio::co_spawn(io_, one_request(), asio::detached);
    }
  }

  asio::io_context& io_;
  Options options_;
  tcp::acceptor acceptor_;
  tcp::endpoint self_;
  Metrics metrics_;
  std::mt19937 random_{std::random_device{}()};
  int in_flight_ = 0;
};
}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App cli("demo-app: a workload with configurable health, errors and latency, for rollguard's demo");
  cli.add_option("--port", options.port, "port to listen on")->envname("PORT")->capture_default_str();
  cli.add_option("--bind", options.bind, "address to listen on (default: $POD_IP, else 127.0.0.1)")
      ->envname("POD_IP")
      ->capture_default_str();
  cli.add_option("--error-ratio", options.error_ratio, "share of / answered 500 (0..1)")
      ->envname("ERROR_RATIO")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--latency-ms", options.latency_ms, "added latency of /")
      ->envname("LATENCY_MS")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--latency-jitter-ms", options.latency_jitter_ms, "± uniform jitter on the latency")
      ->envname("LATENCY_JITTER_MS")
      ->check(CLI::NonNegativeNumber);
  cli.add_flag("--unhealthy", options.unhealthy, "/health answers 503")->envname("UNHEALTHY");
  cli.add_flag("--never-ready", options.never_ready, "/health and /ready answer 503 forever")
      ->envname("NEVER_READY");
  cli.add_option("--crash-after", options.crash_after, "exit 1 after this many seconds (0 = never)")
      ->envname("CRASH_AFTER")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--version", options.version, "version shown on / and in demo_app_info")
      ->envname("VERSION")
      ->capture_default_str();
  cli.add_option("--load-rps", options.load_rps, "requests per second the app sends to its own / (0 = none)")
      ->envname("LOAD_RPS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(cli, argc, argv);

  asio::io_context io(1);
  App app(io, options);
  if (!app.listen()) return 1;
  app.start();
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    std::cout << "demo-app: signal " << signal << ", exiting" << std::endl;
    io.stop();
  });
  asio::steady_timer crash(io);
  if (options.crash_after > 0) {
    crash.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(options.crash_after)));
    crash.async_wait([](boost::system::error_code ec) {
      if (ec) return;
      std::cout << "demo-app: crashing as asked (--crash-after)" << std::endl;
      std::_Exit(1);
    });
  }
  io.run();
  return 0;
}
