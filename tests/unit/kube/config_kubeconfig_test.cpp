// Parsing one kubeconfig: every cluster/user/context field kubectl users rely on.
#include "kube/config.hpp"

#include <gtest/gtest.h>

#include "kube/config_util.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using testing::fake_pem;
using testing::TempDir;

const std::string kCa = fake_pem("CERTIFICATE", "Y2EtYm9keQ==");
const std::string kCert = fake_pem("CERTIFICATE", "Y2xpZW50LWNlcnQ=");
const std::string kKey = fake_pem("PRIVATE KEY", "a2V5LWJvZHk=");

std::string b64(const std::string& s) { return detail::encode_base64(s); }

// A one-context kubeconfig whose cluster and user bodies are given as indented YAML lines.
std::string kubeconfig(const std::string& cluster_body, const std::string& user_body,
                       const std::string& context_extra = "") {
  return "apiVersion: v1\nkind: Config\n"
         "clusters:\n- name: c1\n  cluster:\n" +
         cluster_body + "users:\n- name: u1\n  user:\n" + user_body +
         "contexts:\n- name: prod\n  context:\n    cluster: c1\n    user: u1\n" + context_extra +
         "current-context: prod\n";
}

TEST(ConfigKubeconfig, TokenUserAndNamespace) {
  auto config = parse_kubeconfig(kubeconfig("    server: https://api.example.com:6443\n",
                                            "    token: abc.def\n", "    namespace: team-a\n"),
                                 "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://api.example.com:6443");
  EXPECT_EQ(config->token, "abc.def");
  EXPECT_EQ(config->namespace_name, "team-a");
  EXPECT_EQ(config->context_name, "prod");
  EXPECT_EQ(config->source, "/x/config");
  EXPECT_FALSE(config->exec.has_value());
  EXPECT_TRUE(config->ca_pem.empty());
  EXPECT_FALSE(config->insecure_skip_tls_verify);
}

TEST(ConfigKubeconfig, NamespaceDefaultsToDefault) {
  auto config =
      parse_kubeconfig(kubeconfig("    server: https://h:1\n", "    token: t\n"), "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->namespace_name, "default");
}

TEST(ConfigKubeconfig, ServerWithoutSchemeDefaultsToHttpsAndLosesTrailingSlash) {
  auto config =
      parse_kubeconfig(kubeconfig("    server: 10.0.0.1:6443/\n", "    token: t\n"), "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://10.0.0.1:6443");
}

TEST(ConfigKubeconfig, CertificateAuthorityDataIsDecoded) {
  auto config = parse_kubeconfig(
      kubeconfig("    server: https://h:1\n    certificate-authority-data: " + b64(kCa) + "\n",
                 "    token: t\n"),
      "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
}

TEST(ConfigKubeconfig, CertificateAuthorityFileIsRelativeToTheKubeconfigDirectory) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", kCa);
  const std::string path = dir.write(
      "kube/config",
      kubeconfig("    server: https://h:1\n    certificate-authority: pki/ca.crt\n", "    token: t\n"));
  auto config = load_kubeconfig({.explicit_path = path});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
}

TEST(ConfigKubeconfig, CertificateAuthorityAbsolutePath) {
  TempDir dir;
  const std::string ca = dir.write("elsewhere/ca.pem", kCa);
  auto config = parse_kubeconfig(
      kubeconfig("    server: https://h:1\n    certificate-authority: " + ca + "\n", "    token: t\n"),
      "/nonexistent/config", "/nonexistent");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
}

TEST(ConfigKubeconfig, InsecureSkipTlsVerifyAndServerName) {
  auto config = parse_kubeconfig(kubeconfig("    server: https://h:1\n    insecure-skip-tls-verify: true\n"
                                            "    tls-server-name: api.internal\n",
                                            "    token: t\n"),
                                 "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->tls_server_name, "api.internal");
}

TEST(ConfigKubeconfig, ClientCertificateAndKeyFromData) {
  auto config = parse_kubeconfig(
      kubeconfig("    server: https://h:1\n",
                 "    client-certificate-data: " + b64(kCert) + "\n    client-key-data: " + b64(kKey) + "\n"),
      "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->client_certificate_pem, kCert);
  EXPECT_EQ(config->client_key_pem, kKey);
  EXPECT_TRUE(config->token.empty());
}

TEST(ConfigKubeconfig, ClientCertificateAndKeyFromRelativeFiles) {
  TempDir dir;
  dir.write("certs/me.crt", kCert);
  dir.write("certs/me.key", kKey);
  const std::string path =
      dir.write("config", kubeconfig("    server: https://h:1\n",
                                     "    client-certificate: certs/me.crt\n    client-key: certs/me.key\n"));
  auto config = load_kubeconfig({.explicit_path = path});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->client_certificate_pem, kCert);
  EXPECT_EQ(config->client_key_pem, kKey);
}

TEST(ConfigKubeconfig, TokenAndTokenFileMayBothBeSet) {
  TempDir dir;
  dir.write("tokens/sa", "file-token\n");
  const std::string path = dir.write(
      "config", kubeconfig("    server: https://h:1\n", "    token: static\n    tokenFile: tokens/sa\n"));
  auto config = load_kubeconfig({.explicit_path = path});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->token, "static");
  EXPECT_EQ(config->token_file, dir.file("tokens/sa"));
}

TEST(ConfigKubeconfig, ExecPluginWithEverything) {
  auto config = parse_kubeconfig(kubeconfig("    server: https://h:1\n",
                                            "    exec:\n"
                                            "      apiVersion: client.authentication.k8s.io/v1\n"
                                            "      command: bin/get-token\n"
                                            "      args: [--cluster, prod]\n"
                                            "      env:\n"
                                            "      - name: REGION\n"
                                            "        value: eu-west-1\n"
                                            "      installHint: install get-token\n"
                                            "      provideClusterInfo: true\n"
                                            "      interactiveMode: Never\n"),
                                 "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_TRUE(config->exec.has_value());
  const ExecConfig& exec = *config->exec;
  EXPECT_EQ(exec.api_version, "client.authentication.k8s.io/v1");
  EXPECT_EQ(exec.command, "bin/get-token");
  EXPECT_EQ(exec.args, (std::vector<std::string>{"--cluster", "prod"}));
  ASSERT_EQ(exec.env.size(), 1u);
  EXPECT_EQ(exec.env[0].first, "REGION");
  EXPECT_EQ(exec.env[0].second, "eu-west-1");
  EXPECT_EQ(exec.install_hint, "install get-token");
  EXPECT_TRUE(exec.provide_cluster_info);
  EXPECT_EQ(exec.base_dir, "/x");
}

TEST(ConfigKubeconfig, ExecPluginV1beta1Minimal) {
  auto config = parse_kubeconfig(kubeconfig("    server: https://h:1\n",
                                            "    exec:\n"
                                            "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                            "      command: aws\n"),
                                 "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_TRUE(config->exec.has_value());
  EXPECT_EQ(config->exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_TRUE(config->exec->args.empty());
  EXPECT_FALSE(config->exec->provide_cluster_info);
}

TEST(ConfigKubeconfig, ContextWithoutUserHasNoCredentials) {
  const std::string text =
      "clusters:\n- name: c1\n  cluster:\n    server: https://h:1\n"
      "contexts:\n- name: anon\n  context:\n    cluster: c1\n"
      "current-context: anon\n";
  auto config = parse_kubeconfig(text, "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_TRUE(config->token.empty());
  EXPECT_TRUE(config->token_file.empty());
  EXPECT_FALSE(config->exec.has_value());
}

TEST(ConfigKubeconfig, ContextArgumentOverridesCurrentContext) {
  const std::string text =
      "clusters:\n"
      "- name: c1\n  cluster:\n    server: https://one:1\n"
      "- name: c2\n  cluster:\n    server: https://two:2\n"
      "users:\n- name: u1\n  user:\n    token: t1\n- name: u2\n  user:\n    token: t2\n"
      "contexts:\n"
      "- name: a\n  context:\n    cluster: c1\n    user: u1\n"
      "- name: b\n  context:\n    cluster: c2\n    user: u2\n    namespace: nb\n"
      "current-context: a\n";
  auto current = parse_kubeconfig(text, "/x/config", "/x");
  ASSERT_TRUE(current.has_value()) << current.error().message();
  EXPECT_EQ(current->server, "https://one:1");
  auto overridden = parse_kubeconfig(text, "/x/config", "/x", "b");
  ASSERT_TRUE(overridden.has_value()) << overridden.error().message();
  EXPECT_EQ(overridden->server, "https://two:2");
  EXPECT_EQ(overridden->token, "t2");
  EXPECT_EQ(overridden->namespace_name, "nb");
  EXPECT_EQ(overridden->context_name, "b");
}

TEST(ConfigKubeconfig, Base64WithLineBreaksIsAccepted) {
  std::string encoded = b64(kCa);
  encoded.insert(16, "\n");  // the YAML below keeps it as one scalar via a literal block
  auto config =
      parse_kubeconfig(kubeconfig("    server: https://h:1\n    certificate-authority-data: |\n      " +
                                      encoded.substr(0, 16) + "\n      " + encoded.substr(17) + "\n",
                                  "    token: t\n"),
                       "/x/config", "/x");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->ca_pem, kCa);
}

}  // namespace
}  // namespace rollguard::kube
