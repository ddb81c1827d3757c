// A throwaway PKI for the simulator: a self-signed CA and a server certificate for 127.0.0.1 and
// localhost, so clients verify TLS properly (kubectl with the CA from the kubeconfig), never
// with insecure-skip-tls-verify.
#pragma once

#include <optional>
#include <string>

namespace kubesim {

struct CertificateBundle {
  std::string ca_pem;    // CA certificate (goes into the kubeconfig)
  std::string cert_pem;  // server certificate
  std::string key_pem;   // server private key
};

// ECDSA P-256 keys, SHA-256 signatures, SAN IP:127.0.0.1 + DNS:localhost. nullopt if OpenSSL fails.
std::optional<CertificateBundle> generate_certificates();

}  // namespace kubesim
