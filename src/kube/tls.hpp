#pragma once
// The TLS client context for one API server: verification on unless the kubeconfig says
// insecure-skip-tls-verify, the cluster CA (or the system store), and an optional client certificate.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "kube/config.hpp"
#include "kube/result.hpp"

namespace rollguard::kube {

Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const Config& config,
                                                                    const std::string& client_certificate_pem,
                                                                    const std::string& client_key_pem);

}  // namespace rollguard::kube
