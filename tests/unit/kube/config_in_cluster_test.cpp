// In-cluster config from a (fake) service-account mount and explicit service host/port.
#include <gtest/gtest.h>

#include "kube/config.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using testing::TempDir;

class ConfigInCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write("sa/token", "header.payload.sig\n");
    dir.write("sa/ca.crt", ca);
    dir.write("sa/namespace", "rollguard-system\n");
    options = {.service_account_dir = dir.file("sa"), .host = "10.96.0.1", .port = "443"};
  }
  TempDir dir;
  std::string ca = testing::fake_pem("CERTIFICATE", "Y2x1c3Rlci1jYQ==");
  InClusterOptions options;
};

TEST_F(ConfigInCluster, ReadsTheServiceAccountMount) {
  auto config = load_in_cluster(options);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->ca_pem, ca);
  EXPECT_EQ(config->token_file, dir.file("sa/token"));
  EXPECT_TRUE(config->token.empty());  // read through token_file so rotations are seen
  EXPECT_EQ(config->namespace_name, "rollguard-system");
  EXPECT_EQ(config->source, "in-cluster");
  EXPECT_TRUE(config->context_name.empty());
  EXPECT_FALSE(config->insecure_skip_tls_verify);
}

TEST_F(ConfigInCluster, Ipv6HostIsBracketed) {
  options.host = "fd00:10:96::1";
  options.port = "6443";
  auto config = load_in_cluster(options);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://[fd00:10:96::1]:6443");
}

TEST_F(ConfigInCluster, MissingEnvironment) {
  options.host = "";
  auto config = load_in_cluster(options);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(
      config.error().message(),
      "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (not running in "
      "a pod?)");
  options.host = "10.96.0.1";
  options.port = "";
  EXPECT_FALSE(load_in_cluster(options).has_value());
}

TEST_F(ConfigInCluster, MissingToken) {
  std::filesystem::remove(dir.file("sa/token"));
  auto config = load_in_cluster(options);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(), "in-cluster config: cannot read service-account token " +
                                          dir.file("sa/token") + ": No such file or directory");
}

TEST_F(ConfigInCluster, MissingCa) {
  std::filesystem::remove(dir.file("sa/ca.crt"));
  auto config = load_in_cluster(options);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "in-cluster config: cannot read CA " + dir.file("sa/ca.crt") + ": No such file or directory");
}

TEST_F(ConfigInCluster, MissingNamespaceFileMeansDefault) {
  std::filesystem::remove(dir.file("sa/namespace"));
  auto config = load_in_cluster(options);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->namespace_name, "default");
}

}  // namespace
}  // namespace rollguard::kube
