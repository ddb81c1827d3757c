// Every malformed or incomplete kubeconfig gives an error naming the file, the context and the field.
#include <gtest/gtest.h>

#include "kube/config.hpp"
#include "kube/config_util.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using testing::TempDir;

const std::string kCa = testing::fake_pem("CERTIFICATE", "Y2E=");

std::string kubeconfig(const std::string& cluster_body, const std::string& user_body) {
  return "clusters:\n- name: c1\n  cluster:\n" + cluster_body + "users:\n- name: admin\n  user:\n" +
         user_body +
         "contexts:\n- name: prod\n  context:\n    cluster: c1\n    user: admin\n"
         "current-context: prod\n";
}

// The error message for a kubeconfig that must fail (the test fails if it parses).
std::string error_of(const std::string& text, const std::string& context = "") {
  auto config = parse_kubeconfig(text, "/x/config", "/x", context);
  if (config) return "<parsed without error>";
  EXPECT_EQ(config.error().kind(), ErrorKind::Config);
  return config.error().message();
}

const std::string kServer = "    server: https://h:1\n";
const std::string kToken = "    token: t\n";

TEST(ConfigErrors, UserNotFound) {
  const std::string text =
      "clusters:\n- name: c1\n  cluster:\n    server: https://h:1\n"
      "contexts:\n- name: prod\n  context:\n    cluster: c1\n    user: admin\n"
      "current-context: prod\n";
  EXPECT_EQ(error_of(text), "kubeconfig /x/config: context \"prod\": user \"admin\" not found");
}

TEST(ConfigErrors, ClusterNotFound) {
  const std::string text =
      "contexts:\n- name: prod\n  context:\n    cluster: c9\n"
      "current-context: prod\n";
  EXPECT_EQ(error_of(text), "kubeconfig /x/config: context \"prod\": cluster \"c9\" not found");
}

TEST(ConfigErrors, ContextWithoutCluster) {
  const std::string text = "contexts:\n- name: prod\n  context:\n    user: admin\ncurrent-context: prod\n";
  EXPECT_EQ(error_of(text), "kubeconfig /x/config: context \"prod\": cluster is not set");
}

TEST(ConfigErrors, InvalidBase64CertificateAuthorityData) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer + "    certificate-authority-data: not*base64!\n", kToken)),
      "kubeconfig /x/config: context \"prod\": cluster \"c1\": certificate-authority-data: invalid base64");
}

TEST(ConfigErrors, CertificateAuthorityDataThatIsNotPem) {
  EXPECT_EQ(
      error_of(kubeconfig(
          kServer + "    certificate-authority-data: " + detail::encode_base64("hello") + "\n", kToken)),
      "kubeconfig /x/config: context \"prod\": cluster \"c1\": certificate-authority-data: not PEM data");
}

TEST(ConfigErrors, ServerEmpty) {
  EXPECT_EQ(error_of(kubeconfig("    server: \"\"\n", kToken)),
            "kubeconfig /x/config: context \"prod\": cluster \"c1\": server is empty");
}

TEST(ConfigErrors, ServerMissing) {
  EXPECT_EQ(error_of(kubeconfig("    insecure-skip-tls-verify: true\n", kToken)),
            "kubeconfig /x/config: context \"prod\": cluster \"c1\": server is empty");
}

TEST(ConfigErrors, ServerWithWrongScheme) {
  EXPECT_EQ(
      error_of(kubeconfig("    server: ftp://h:1\n", kToken)),
      "kubeconfig /x/config: context \"prod\": cluster \"c1\": server \"ftp://h:1\": scheme must be https or "
      "http");
}

TEST(ConfigErrors, UnreadableCertificateAuthorityFile) {
  TempDir dir;
  const std::string path =
      dir.write("config", kubeconfig(kServer + "    certificate-authority: missing/ca.crt\n", kToken));
  auto config = load_kubeconfig({.explicit_path = path});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "kubeconfig " + path + ": context \"prod\": cluster \"c1\": certificate-authority: cannot read " +
                dir.file("missing/ca.crt") + ": No such file or directory");
}

TEST(ConfigErrors, CertificateAuthorityFileAndDataBothSet) {
  TempDir dir;
  dir.write("ca.crt", kCa);
  const std::string path = dir.write(
      "config", kubeconfig(kServer + "    certificate-authority: ca.crt\n    certificate-authority-data: " +
                               detail::encode_base64(kCa) + "\n",
                           kToken));
  auto config = load_kubeconfig({.explicit_path = path});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(), "kubeconfig " + path +
                                          ": context \"prod\": cluster \"c1\": certificate-authority and "
                                          "certificate-authority-data are both set; use one");
}

TEST(ConfigErrors, InsecureTogetherWithCertificateAuthority) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer + "    insecure-skip-tls-verify: true\n    certificate-authority-data: " +
                              detail::encode_base64(kCa) + "\n",
                          kToken)),
      "kubeconfig /x/config: context \"prod\": cluster \"c1\": insecure-skip-tls-verify cannot be combined "
      "with certificate-authority(-data)");
}

TEST(ConfigErrors, InsecureNotABoolean) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer + "    insecure-skip-tls-verify: maybe\n", kToken)),
      "kubeconfig /x/config: context \"prod\": cluster \"c1\": insecure-skip-tls-verify: expected true or "
      "false");
}

TEST(ConfigErrors, MalformedYamlNamesTheLine) {
  const std::string text =
      "clusters:\n"
      "- name: c1\n"
      "  cluster: {server: https://h:1\n"  // unclosed flow map
      "current-context: prod\n";
  const std::string message = error_of(text);
  EXPECT_EQ(message.rfind("kubeconfig /x/config: invalid YAML at line ", 0), 0u) << message;
  EXPECT_NE(message.find("line 4"), std::string::npos) << message;
}

TEST(ConfigErrors, TabIndentationIsMalformedYaml) {
  const std::string message = error_of("clusters:\n\t- name: c1\n");
  EXPECT_EQ(message.rfind("kubeconfig /x/config: invalid YAML at line 2", 0), 0u) << message;
}

TEST(ConfigErrors, NoCurrentContextAndNoneGiven) {
  const std::string text =
      "clusters:\n- name: c1\n  cluster:\n    server: https://h:1\n"
      "contexts:\n- name: prod\n  context:\n    cluster: c1\n";
  EXPECT_EQ(error_of(text), "kubeconfig /x/config: no current-context is set and no --context was given");
}

TEST(ConfigErrors, EmptyFileHasNoCurrentContext) {
  EXPECT_EQ(error_of(""), "kubeconfig /x/config: no current-context is set and no --context was given");
}

TEST(ConfigErrors, CurrentContextNotFound) {
  EXPECT_EQ(error_of("current-context: ghost\n"),
            "kubeconfig /x/config: current-context \"ghost\" not found");
}

TEST(ConfigErrors, ContextArgumentNotFound) {
  EXPECT_EQ(error_of(kubeconfig(kServer, kToken), "staging"),
            "kubeconfig /x/config: context \"staging\" not found");
}

TEST(ConfigErrors, TopLevelNotAMap) {
  EXPECT_EQ(error_of("- just\n- a list\n"), "kubeconfig /x/config: expected a YAML map at the top level");
}

TEST(ConfigErrors, ClustersNotAList) {
  EXPECT_EQ(error_of("clusters:\n  c1: {}\n"), "kubeconfig /x/config: clusters: expected a list");
}

TEST(ConfigErrors, EntryWithoutName) {
  EXPECT_EQ(error_of("users:\n- user:\n    token: t\n"), "kubeconfig /x/config: users[0]: name is missing");
}

TEST(ConfigErrors, EntryBodyNotAMap) {
  EXPECT_EQ(error_of("contexts:\n- name: prod\n  context: [a, b]\n"),
            "kubeconfig /x/config: contexts[0] \"prod\": context: expected a map");
}

TEST(ConfigErrors, ServerNotAString) {
  EXPECT_EQ(error_of(kubeconfig("    server: [a]\n", kToken)),
            "kubeconfig /x/config: context \"prod\": cluster \"c1\": server: expected a string");
}

TEST(ConfigErrors, ClientCertificateWithoutKey) {
  const std::string cert = detail::encode_base64(testing::fake_pem("CERTIFICATE", "Yw=="));
  EXPECT_EQ(
      error_of(kubeconfig(kServer, "    client-certificate-data: " + cert + "\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": client-certificate is set without client-key");
}

TEST(ConfigErrors, ClientKeyDataInvalidBase64) {
  const std::string cert = detail::encode_base64(testing::fake_pem("CERTIFICATE", "Yw=="));
  EXPECT_EQ(
      error_of(kubeconfig(kServer, "    client-certificate-data: " + cert + "\n    client-key-data: abc\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": client-key-data: invalid base64");
}

TEST(ConfigErrors, UnreadableTokenFile) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer, "    tokenFile: /nonexistent/token\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": tokenFile: cannot read /nonexistent/token: No "
      "such file or directory");
}

TEST(ConfigErrors, ExecUnsupportedApiVersion) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer,
                          "    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                          "      command: x\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": exec: apiVersion "
      "\"client.authentication.k8s.io/v1alpha1\" is not supported (use client.authentication.k8s.io/v1 or "
      "v1beta1)");
}

TEST(ConfigErrors, ExecMissingApiVersion) {
  EXPECT_EQ(error_of(kubeconfig(kServer, "    exec:\n      command: x\n")),
            "kubeconfig /x/config: context \"prod\": user \"admin\": exec: apiVersion is empty");
}

TEST(ConfigErrors, ExecWithoutCommand) {
  EXPECT_EQ(error_of(kubeconfig(kServer, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n")),
            "kubeconfig /x/config: context \"prod\": user \"admin\": exec: command is empty");
}

TEST(ConfigErrors, ExecArgsNotAList) {
  EXPECT_EQ(error_of(kubeconfig(kServer,
                                "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                "      command: x\n      args: --flag\n")),
            "kubeconfig /x/config: context \"prod\": user \"admin\": exec: args: expected a list of strings");
}

TEST(ConfigErrors, ExecEnvEntryWithoutName) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer,
                          "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                          "      command: x\n      env:\n      - value: v\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": exec: env[0]: name is empty or contains '='");
}

TEST(ConfigErrors, ExecInteractiveAlways) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer,
                          "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                          "      command: x\n      interactiveMode: Always\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": exec: interactiveMode Always is not supported "
      "(no terminal)");
}

TEST(ConfigErrors, AuthProviderIsNotSupported) {
  EXPECT_EQ(
      error_of(kubeconfig(kServer, "    auth-provider:\n      name: gcp\n")),
      "kubeconfig /x/config: context \"prod\": user \"admin\": auth-provider is not supported; use an exec "
      "credential plugin");
}

TEST(ConfigErrors, BasicAuthIsNotSupported) {
  EXPECT_EQ(error_of(kubeconfig(kServer, "    username: a\n    password: b\n")),
            "kubeconfig /x/config: context \"prod\": user \"admin\": username/password (basic auth) is not "
            "supported");
}

TEST(ConfigErrors, ExplicitPathThatDoesNotExist) {
  TempDir dir;
  auto config = load_kubeconfig({.explicit_path = dir.file("nope")});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "kubeconfig " + dir.file("nope") + ": cannot read: No such file or directory");
}

TEST(ConfigErrors, TokensNeverAppearInErrors) {
  const std::string text = kubeconfig(kServer, "    token: super-secret-token\n    client-key-data: abc\n");
  const std::string message = error_of(text);
  EXPECT_NE(message.find("client-key-data: invalid base64"), std::string::npos) << message;
  EXPECT_EQ(message.find("super-secret-token"), std::string::npos) << message;
}

}  // namespace
}  // namespace rollguard::kube
