// Where the kubeconfig comes from: --kubeconfig, $KUBECONFIG merged as kubectl merges it, ~/.kube/config,
// and controller-runtime's order including in-cluster.
#include <gtest/gtest.h>

#include "kube/config.hpp"
#include "unit/kube/config_test_support.hpp"

namespace rollguard::kube {
namespace {

using testing::TempDir;

std::string cluster(const std::string& name, const std::string& server, const std::string& extra = "") {
  return "- name: " + name + "\n  cluster:\n    server: " + server + "\n" + extra;
}
std::string user(const std::string& name, const std::string& token) {
  return "- name: " + name + "\n  user:\n    token: " + token + "\n";
}
std::string context(const std::string& name, const std::string& c, const std::string& u) {
  return "- name: " + name + "\n  context:\n    cluster: " + c + "\n    user: " + u + "\n";
}

class ConfigMerge : public ::testing::Test {
 protected:
  // file1 defines c1/u1/ctx1 and no current-context; file2 redefines c1 and u1 (ignored: file1 came
  // first), adds c2/u2/ctx2 and sets current-context ctx2; file3 sets another current-context.
  void SetUp() override {
    file1 =
        dir.write("one/config", "clusters:\n" + cluster("c1", "https://first:1") + "users:\n" +
                                    user("u1", "first-token") + "contexts:\n" + context("ctx1", "c1", "u1"));
    file2 =
        dir.write("two/config", "clusters:\n" + cluster("c1", "https://second:1") +
                                    cluster("c2", "https://second:2", "    certificate-authority: ca.crt\n") +
                                    "users:\n" + user("u1", "second-token") + user("u2", "u2-token") +
                                    "contexts:\n" + context("ctx2", "c2", "u2") +
                                    context("mixed", "c1", "u1") + "current-context: ctx2\n");
    dir.write("two/ca.crt", testing::fake_pem("CERTIFICATE", "dHdv"));
    file3 = dir.write("three/config", "current-context: ctx1\n");
  }
  TempDir dir;
  std::string file1, file2, file3;
};

TEST_F(ConfigMerge, CurrentContextComesFromTheFirstFileThatSetsIt) {
  auto config = load_kubeconfig({.kubeconfig_env = file1 + ":" + file2 + ":" + file3});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->context_name, "ctx2");
  EXPECT_EQ(config->server, "https://second:2");
  EXPECT_EQ(config->token, "u2-token");
  EXPECT_EQ(config->source, file2);
}

TEST_F(ConfigMerge, RelativePathsResolveAgainstTheFileThatDefinedTheEntry) {
  auto config = load_kubeconfig({.kubeconfig_env = file1 + ":" + file2});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->ca_pem, testing::fake_pem("CERTIFICATE", "dHdv"));
}

TEST_F(ConfigMerge, FirstFileToDefineANameWins) {
  auto config = load_kubeconfig({.context = "mixed", .kubeconfig_env = file1 + ":" + file2});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://first:1");
  EXPECT_EQ(config->token, "first-token");
}

TEST_F(ConfigMerge, OrderOfFilesDecides) {
  auto config = load_kubeconfig({.context = "mixed", .kubeconfig_env = file2 + ":" + file1});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://second:1");
  EXPECT_EQ(config->token, "second-token");
}

TEST_F(ConfigMerge, ContextOverrideSeesEveryFile) {
  auto config = load_kubeconfig({.context = "ctx1", .kubeconfig_env = file2 + ":" + file1});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->context_name, "ctx1");
  EXPECT_EQ(config->server, "https://second:1");  // c1 from file2, which came first
}

TEST_F(ConfigMerge, MissingFilesInTheListAreSkipped) {
  auto config = load_kubeconfig({.kubeconfig_env = dir.file("absent") + "::" + file2});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->context_name, "ctx2");
}

TEST_F(ConfigMerge, AllFilesMissingIsAnError) {
  const std::string list = dir.file("a") + ":" + dir.file("b");
  auto config = load_kubeconfig({.kubeconfig_env = list});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(), "kubeconfig: none of the files in $KUBECONFIG (" + list + ") exists");
}

TEST_F(ConfigMerge, NoCurrentContextInAnyFileNamesAllFiles) {
  auto config = load_kubeconfig({.kubeconfig_env = file1});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "kubeconfig " + file1 + ": no current-context is set and no --context was given");
}

TEST_F(ConfigMerge, ErrorNamesTheFileOfTheBrokenEntry) {
  const std::string broken = dir.write("broken/config",
                                       "users:\n- name: u9\n  user:\n    client-key-data: '***'\n"
                                       "contexts:\n" +
                                           context("bad", "c1", "u9"));
  auto config = load_kubeconfig({.context = "bad", .kubeconfig_env = file1 + ":" + broken});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "kubeconfig " + broken + ": context \"bad\": user \"u9\": client-key-data: invalid base64");
}

TEST_F(ConfigMerge, MalformedFileInTheListIsAnError) {
  const std::string bad = dir.write("bad/config", "clusters: [\n");
  auto config = load_kubeconfig({.kubeconfig_env = file2 + ":" + bad});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message().rfind("kubeconfig " + bad + ": invalid YAML at line", 0), 0u)
      << config.error().message();
}

TEST_F(ConfigMerge, ExplicitPathIsTheOnlyFile) {
  auto config = load_kubeconfig({.explicit_path = file1, .context = "ctx1", .kubeconfig_env = file2});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://first:1");
  auto missing = load_kubeconfig({.explicit_path = file1, .context = "ctx2", .kubeconfig_env = file2});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), "kubeconfig " + file1 + ": context \"ctx2\" not found");
}

TEST_F(ConfigMerge, HomeKubeconfigWhenNothingElseIsSet) {
  dir.write("home/.kube/config", "clusters:\n" + cluster("h", "https://home:1") + "contexts:\n" +
                                     "- name: hc\n  context:\n    cluster: h\n" + "current-context: hc\n");
  auto config = load_kubeconfig({.kubeconfig_env = "", .home = dir.file("home")});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://home:1");
}

TEST_F(ConfigMerge, MissingHomeKubeconfigIsAnError) {
  auto config = load_kubeconfig({.kubeconfig_env = "", .home = dir.file("nohome")});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "kubeconfig " + dir.file("nohome/.kube/config") + ": cannot read: No such file or directory");
}

// controller-runtime's order: --kubeconfig, $KUBECONFIG, in-cluster, ~/.kube/config.
class ConfigDefaultOrder : public ConfigMerge {
 protected:
  void SetUp() override {
    ConfigMerge::SetUp();
    dir.write("home/.kube/config", "clusters:\n" + cluster("h", "https://home:1") + "contexts:\n" +
                                       "- name: hc\n  context:\n    cluster: h\n" + "current-context: hc\n");
    dir.write("sa/token", "sa-token\n");
    dir.write("sa/ca.crt", testing::fake_pem("CERTIFICATE", "c2E="));
    in_cluster = {.service_account_dir = dir.file("sa"), .host = "10.96.0.1", .port = "443"};
  }
  InClusterOptions in_cluster;
};

TEST_F(ConfigDefaultOrder, ExplicitPathFirst) {
  auto config =
      load_default({.explicit_path = file2, .kubeconfig_env = file1, .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://second:2");
}

TEST_F(ConfigDefaultOrder, KubeconfigEnvBeforeInCluster) {
  auto config = load_default({.kubeconfig_env = file2, .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://second:2");
}

TEST_F(ConfigDefaultOrder, InClusterBeforeHome) {
  auto config = load_default({.kubeconfig_env = "", .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->source, "in-cluster");
}

TEST_F(ConfigDefaultOrder, HomeWhenNotInACluster) {
  in_cluster.host = "";
  auto config = load_default({.kubeconfig_env = "", .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://home:1");
}

TEST_F(ConfigDefaultOrder, HomeWhenTheServiceAccountMountIsBroken) {
  in_cluster.service_account_dir = dir.file("no-sa");
  auto config = load_default({.kubeconfig_env = "", .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://home:1");
}

TEST_F(ConfigDefaultOrder, BothFailingReportsBoth) {
  in_cluster.service_account_dir = dir.file("no-sa");
  auto config = load_default({.kubeconfig_env = "", .home = dir.file("nohome")}, in_cluster);
  ASSERT_FALSE(config.has_value());
  const std::string message = config.error().message();
  EXPECT_NE(message.find("in-cluster config: cannot read service-account token " + dir.file("no-sa/token")),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("kubeconfig " + dir.file("nohome/.kube/config") + ": cannot read"),
            std::string::npos)
      << message;
}

TEST_F(ConfigDefaultOrder, ContextFlagSkipsInCluster) {
  auto config = load_default({.context = "hc", .kubeconfig_env = "", .home = dir.file("home")}, in_cluster);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->server, "https://home:1");
}

}  // namespace
}  // namespace rollguard::kube
