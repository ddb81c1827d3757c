#pragma once
// Certificates made by the test itself with OpenSSL: a CA, server and client certificates signed by
// it, so TLS verification is exercised for real.
#include <string>
#include <vector>

namespace rollguard::testing {

struct KeyPair {
  std::string certificate_pem;
  std::string key_pem;
};

class TestPki {
 public:
  explicit TestPki(const std::string& ca_common_name = "rollguard-test-ca");
  const std::string& ca_pem() const { return ca_.certificate_pem; }
  // dns_names / ip_addresses go into subjectAltName.
  KeyPair issue_server(const std::vector<std::string>& dns_names,
                       const std::vector<std::string>& ip_addresses) const;
  KeyPair issue_client(const std::string& common_name) const;

 private:
  KeyPair ca_;
};

}  // namespace rollguard::testing
