#include "sim_harness.hpp"

#include <sys/socket.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace kubesim::testing {
namespace json = boost::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

json::value Reply::json() const {
  json::error_code ec;
  auto v = json::parse(body, ec);
  return ec ? json::value() : v;
}

namespace {
tcp::socket connect(net::io_context& io, unsigned short port) {
  tcp::socket s(io);
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  // A hung server must fail the test, not hang it.
  timeval tv{20, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

http::request<http::string_body> make_request(const std::string& method, const std::string& target,
                                              const std::string& body, const std::string& content_type,
                                              const std::string& token,
                                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::user_agent, "kube-sim-test/v0.0.0");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  return req;
}
}  // namespace

Reply Client::request(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& content_type,
                      const std::map<std::string, std::string>& headers) const {
  net::io_context io;
  auto sock = connect(io, port_);
  auto token = headers.count("Authorization") ? std::string() : token_;
  http::write(sock, make_request(method, target, body, content_type, token, headers));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  Reply r;
  r.status = res.result_int();
  for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
  r.body = res.body();
  return r;
}

std::vector<json::value> Client::watch(const std::string& target, std::size_t max_events) const {
  return watch_to_end(target, max_events).events;
}

Client::WatchResult Client::watch_to_end(const std::string& target, std::size_t max_events) const {
  net::io_context io;
  auto sock = connect(io, port_);
  http::write(sock, make_request("GET", target, "", "", token_, {}));
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  std::string pending;
  std::vector<json::value> events;
  auto on_chunk = [&](std::uint64_t, beast::string_view data, beast::error_code&) -> std::size_t {
    pending.append(data.data(), data.size());
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      events.push_back(json::parse(pending.substr(0, nl)));
      pending.erase(0, nl + 1);
    }
    return data.size();
  };
  parser.on_chunk_body(on_chunk);
  http::read_header(sock, buf, parser);
  beast::error_code ec;
  while (!parser.is_done() && events.size() < max_events) {
    http::read_some(sock, buf, parser, ec);
    if (ec) break;
  }
  return WatchResult{std::move(events), parser.is_done()};
}

InProcessSim::InProcessSim(ApiServerOptions options) {
  options.token = token_;
  api_ = std::make_unique<ApiServer>(io_.get_executor(), options, [this] {
    return std::chrono::system_clock::now() + std::chrono::seconds(offset_.load());
  });
  ServerOptions so;
  so.tls = false;
  server_ = std::make_unique<Server>(io_, *api_, so);
  port_ = server_->start();
  thread_ = std::thread([this] { io_.run(); });
}

InProcessSim::~InProcessSim() {
  net::post(io_, [this] {
    server_->stop();
    io_.stop();
  });
  thread_.join();
}

json::object configmap(const std::string& name, const std::map<std::string, std::string>& labels) {
  json::object l;
  for (const auto& [k, v] : labels) l[k] = v;
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}, {"labels", l}}},
                      {"data", json::object{{"k", "v"}}}};
}

json::object widget_crd() {
  return json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {"group": "example.com", "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "required": ["size"], "properties": {
            "size": {"type": "integer", "minimum": 0}, "color": {"type": "string", "default": "blue"}}},
          "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}}}]}})")
      .as_object();
}

json::object widget(const std::string& name, long long size) {
  return json::object{{"apiVersion", "example.com/v1"},
                      {"kind", "Widget"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", json::object{{"size", size}}}};
}

}  // namespace kubesim::testing
