#include "kube/tls.hpp"

#include <openssl/err.h>

namespace rollguard::kube {
namespace ssl = boost::asio::ssl;

namespace {
Error tls_config_error(const Config& config, const std::string& what, const boost::system::error_code& ec) {
  return Error(ErrorKind::Config, config.source + ": " + what + ": " + ec.message());
}
}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_context(const Config& config,
                                                       const std::string& client_certificate_pem,
                                                       const std::string& client_key_pem) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                       ec);
  if (ec) return tls_config_error(config, "TLS options", ec);

  if (config.insecure_skip_tls_verify) {
    context->set_verify_mode(ssl::verify_none, ec);
  } else {
    context->set_verify_mode(ssl::verify_peer, ec);
    if (!ec) {
      if (config.ca_pem.empty()) {
        context->set_default_verify_paths(ec);
      } else {
        context->add_certificate_authority(boost::asio::buffer(config.ca_pem), ec);
      }
    }
  }
  if (ec) return tls_config_error(config, "certificate authority", ec);

  if (!client_certificate_pem.empty() || !client_key_pem.empty()) {
    if (client_certificate_pem.empty() || client_key_pem.empty()) {
      return Error(ErrorKind::Config, config.source + ": client certificate and key must both be set");
    }
    context->use_certificate_chain(boost::asio::buffer(client_certificate_pem), ec);
    if (ec) return tls_config_error(config, "client certificate", ec);
    context->use_private_key(boost::asio::buffer(client_key_pem), ssl::context::pem, ec);
    if (ec) return tls_config_error(config, "client key", ec);
  }
  return context;
}

}  // namespace rollguard::kube
