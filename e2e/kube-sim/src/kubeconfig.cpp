#include "kubeconfig.hpp"

#include <unistd.h>

#include <boost/beast/core/detail/base64.hpp>
#include <cstdio>
#include <fstream>

namespace kubesim {

std::string kubeconfig_yaml(const std::string& server_url, const std::string& ca_pem,
                            const std::string& token) {
  namespace b64 = boost::beast::detail::base64;
  std::string ca(b64::encoded_size(ca_pem.size()), '\0');
  ca.resize(b64::encode(ca.data(), ca_pem.data(), ca_pem.size()));
  std::string out =
      "apiVersion: v1\n"
      "kind: Config\n"
      "clusters:\n"
      "- name: kube-sim\n"
      "  cluster:\n"
      "    server: " +
      server_url + "\n";
  if (!ca_pem.empty()) out += "    certificate-authority-data: " + ca + "\n";
  out +=
      "contexts:\n"
      "- name: kube-sim\n"
      "  context:\n"
      "    cluster: kube-sim\n"
      "    user: kube-sim\n"
      "    namespace: default\n"
      "current-context: kube-sim\n"
      "preferences: {}\n"
      "users:\n"
      "- name: kube-sim\n"
      "  user:\n";
  out += token.empty() ? "    {}\n" : "    token: " + token + "\n";
  return out;
}

bool write_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    f << content;
    f.flush();
    if (!f) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace kubesim
