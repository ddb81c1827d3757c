// The ExecCredential protocol without processes: the plugin's input, its answer, command lookup
// (the RFC 3339 parser it uses is tested in time_test.cpp).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "kube/config_util.hpp"
#include "kube/exec_credential.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using namespace std::chrono;

ExecConfig exec_config(const std::string& version = "client.authentication.k8s.io/v1") {
  ExecConfig exec;
  exec.api_version = version;
  exec.command = "get-token";
  return exec;
}

TEST(AuthExecCredential, TokenWithExpiration) {
  auto status = detail::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"tok","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
      exec_config());
  ASSERT_TRUE(status.has_value()) << status.error().message();
  EXPECT_EQ(status->credentials.token, "tok");
  ASSERT_TRUE(status->expiration.has_value());
  EXPECT_EQ(*status->expiration, sys_days(year(2030) / 1 / 2) + hours(3) + minutes(4) + seconds(5));
}

TEST(AuthExecCredential, ClientCertificateWithoutExpiration) {
  auto status = detail::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
      exec_config("client.authentication.k8s.io/v1beta1"));
  ASSERT_TRUE(status.has_value()) << status.error().message();
  EXPECT_TRUE(status->credentials.token.empty());
  EXPECT_EQ(status->credentials.client_certificate_pem, "CERT");
  EXPECT_EQ(status->credentials.client_key_pem, "KEY");
  EXPECT_FALSE(status->expiration.has_value());
}

std::string error_of(const std::string& output) {
  auto status = detail::parse_exec_credential(output, exec_config());
  if (status) return "<parsed without error>";
  return status.error().message();
}

TEST(AuthExecCredential, Errors) {
  EXPECT_EQ(error_of("not json").rfind("exec plugin \"get-token\": output is not a JSON ExecCredential", 0),
            0u);
  EXPECT_EQ(error_of("[1]"), "exec plugin \"get-token\": output is not a JSON object");
  EXPECT_EQ(
      error_of(R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
                         "status":{"token":"secret-value"}})"),
      "exec plugin \"get-token\": returned apiVersion \"client.authentication.k8s.io/v1beta1\", expected "
      "\"client.authentication.k8s.io/v1\"");
  EXPECT_EQ(
      error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod","status":{"token":"t"}})"),
      "exec plugin \"get-token\": returned kind \"Pod\", expected \"ExecCredential\"");
  EXPECT_EQ(error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})"),
            "exec plugin \"get-token\": output has no status");
  EXPECT_EQ(
      error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})"),
      "exec plugin \"get-token\": status has neither a token nor a client certificate and key");
  EXPECT_EQ(error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                         "status":{"clientCertificateData":"C"}})"),
            "exec plugin \"get-token\": status has only one of clientCertificateData and clientKeyData");
  EXPECT_EQ(error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                         "status":{"token":42}})"),
            "exec plugin \"get-token\": status.token: expected a string");
  EXPECT_EQ(error_of(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                         "status":{"token":"t","expirationTimestamp":"soon"}})"),
            "exec plugin \"get-token\": status.expirationTimestamp \"soon\" is not an RFC 3339 time");
}

TEST(AuthExecCredential, ExecInfoWithoutClusterInfo) {
  Config config;
  config.server = "https://h:1";
  const auto info = boost::json::parse(detail::exec_info_json(exec_config(), config)).as_object();
  EXPECT_EQ(info.at("apiVersion").as_string(), "client.authentication.k8s.io/v1");
  EXPECT_EQ(info.at("kind").as_string(), "ExecCredential");
  EXPECT_EQ(info.at("spec").at("interactive").as_bool(), false);
  EXPECT_FALSE(info.at("spec").as_object().contains("cluster"));
}

TEST(AuthExecCredential, ExecInfoWithClusterInfo) {
  Config config;
  config.server = "https://h:1";
  config.tls_server_name = "api.internal";
  config.ca_pem = testing::fake_pem("CERTIFICATE", "Y2E=");
  ExecConfig exec = exec_config("client.authentication.k8s.io/v1beta1");
  exec.provide_cluster_info = true;
  const auto info = boost::json::parse(detail::exec_info_json(exec, config)).as_object();
  EXPECT_EQ(info.at("apiVersion").as_string(), "client.authentication.k8s.io/v1beta1");
  const auto& cluster = info.at("spec").at("cluster").as_object();
  EXPECT_EQ(cluster.at("server").as_string(), "https://h:1");
  EXPECT_EQ(cluster.at("tls-server-name").as_string(), "api.internal");
  EXPECT_EQ(detail::decode_base64(std::string(cluster.at("certificate-authority-data").as_string())),
            config.ca_pem);
}

TEST(AuthExecCredential, CommandLookup) {
  testing::TempDir dir;
  const std::string tool = dir.write("bin/get-token", "#!/bin/sh\n", true);
  dir.write("bin/not-executable", "#!/bin/sh\n");
  ExecConfig exec = exec_config();
  exec.base_dir = dir.path();
  exec.command = "bin/get-token";  // a slash: relative to the kubeconfig directory
  EXPECT_EQ(detail::resolve_exec_command(exec, "").value(), tool);
  exec.command = tool;  // absolute
  EXPECT_EQ(detail::resolve_exec_command(exec, "").value(), tool);
  exec.command = "get-token";  // bare: through $PATH
  EXPECT_EQ(detail::resolve_exec_command(exec, "/nonexistent:" + dir.file("bin")).value(), tool);
  exec.command = "not-executable";
  exec.install_hint = "Install it with: apt install get-token";
  auto missing = detail::resolve_exec_command(exec, dir.file("bin"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(),
            "exec plugin \"not-executable\": executable not found in $PATH\n\nInstall it with: apt install "
            "get-token");
}

}  // namespace
}  // namespace rollguard::kube
