// The network side: a TCP acceptor on one io_context, HTTP/1.1 keep-alive sessions as coroutines
// (TLS unless --insecure-http), and chunked streaming for watches. All API logic is in ApiServer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "api_server.hpp"
#include "faults/fault_injector.hpp"

namespace kubesim {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 0;
  bool tls = true;
  std::string cert_pem;  // server certificate chain (PEM), when tls
  std::string key_pem;
};

class Server {
 public:
  Server(boost::asio::io_context& io, ApiServer& api, ServerOptions options);
  ~Server();

  // Binds and starts accepting; returns the bound port (useful with port 0). Throws on bind failure
  // (a startup error the caller reports and exits on).
  unsigned short start();
  void stop();
  unsigned short port() const { return port_; }
  // Faults applied to requests from the network (the in-process cluster controllers are spared).
  faults::FaultInjector& faults();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace kubesim
