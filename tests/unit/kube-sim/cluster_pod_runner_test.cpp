// The pod runner's configuration and process command lines (pure parts).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "pod_runner.hpp"

namespace kubesim::cluster {
namespace {

TEST(ClusterPodRunnerConfig, ParsesImagesCommandsArgsAndEnv) {
  std::string error;
  auto c = parse_runner_config(R"yaml(
images:
  "demo-app:v1":
    command: [/usr/bin/python3, -m, http.server]
    args: [--bind, $(POD_IP), "8080"]
    env: {GREETING: hello}
  other: {command: [/bin/true]}
)yaml",
                               error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->size(), 2u);
  const auto& demo = c->at("demo-app:v1");
  EXPECT_EQ(demo.command, (std::vector<std::string>{"/usr/bin/python3", "-m", "http.server"}));
  EXPECT_EQ(demo.args, (std::vector<std::string>{"--bind", "$(POD_IP)", "8080"}));
  ASSERT_EQ(demo.env.size(), 1u);
  EXPECT_EQ(demo.env[0], (std::pair<std::string, std::string>{"GREETING", "hello"}));
}

TEST(ClusterPodRunnerConfig, ImagesMatchExactlyOrByTheLongestStarPrefix) {
  RunnerConfig config{{"rollguard/demo-app:*", {{"/bin/any-tag"}, {}, {}}},
                      {"rollguard/demo-app:v2*", {{"/bin/v2"}, {}, {}}},
                      {"rollguard/demo-app:v1", {{"/bin/exact"}, {}, {}}}};
  auto command = [&](const std::string& image) {
    auto* c = find_image_command(config, image);
    return c ? c->command.at(0) : std::string("<none>");
  };
  EXPECT_EQ(command("rollguard/demo-app:v1"), "/bin/exact");
  EXPECT_EQ(command("rollguard/demo-app:v3"), "/bin/any-tag");
  EXPECT_EQ(command("rollguard/demo-app:v2-errors"), "/bin/v2");
  EXPECT_EQ(command("rollguard/demo-app"), "<none>");
  EXPECT_EQ(command("other/demo-app:v1"), "<none>");
}

TEST(ClusterPodRunnerConfig, RejectsMalformedConfigs) {
  std::string error;
  EXPECT_FALSE(parse_runner_config("images: [1, 2]", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(parse_runner_config("images: {a: {args: [x]}}", error));
  EXPECT_FALSE(parse_runner_config("images: {a: {command: []}}", error));
  EXPECT_FALSE(parse_runner_config("images: {a: [unclosed", error));
  EXPECT_FALSE(parse_runner_config("", error));
}

TEST(ClusterPodRunnerConfig, ProcessGetsPodIdentityEnvAndExpandedArgs) {
  ImageCommand image{{"/bin/server", "--bind=$(POD_IP)"}, {"--default"}, {{"MODE", "config"}}};
  auto container = boost::json::parse(R"json({"name":"app","image":"x",
      "env":[{"name":"MODE","value":"pod"},{"name":"GREETING","value":"hi $(POD_NAME)"},
             {"name":"FROM","valueFrom":{}}],
      "args":["--port","$(PORT)","$$(POD_IP)"]})json")
                       .as_object();
  auto spec = process_spec(image, container, "prod", "web-1", "127.0.0.9");
  EXPECT_EQ(spec.argv,
            (std::vector<std::string>{"/bin/server", "--bind=127.0.0.9", "--port", "$(PORT)", "$(POD_IP)"}));
  auto value = [&](const std::string& k) {
    std::string v = "<unset>";
    for (const auto& [key, val] : spec.env)
      if (key == k) v = val;  // later entries win, as in the process environment
    return v;
  };
  EXPECT_EQ(value("POD_NAME"), "web-1");
  EXPECT_EQ(value("POD_NAMESPACE"), "prod");
  EXPECT_EQ(value("POD_IP"), "127.0.0.9");
  EXPECT_EQ(value("MODE"), "pod");
  EXPECT_EQ(value("GREETING"), "hi web-1");
  EXPECT_EQ(value("FROM"), "<unset>");
  // Without pod args, the config's args are used.
  auto plain =
      process_spec(image, boost::json::parse(R"({"name":"app"})").as_object(), "ns", "p", "127.0.0.2");
  EXPECT_EQ(plain.argv, (std::vector<std::string>{"/bin/server", "--bind=127.0.0.2", "--default"}));
}

TEST(ClusterPodRunnerConfig, TerminationMessageFileIsInTheEnvAndArgs) {
  ImageCommand image{{"/bin/sh", "-c"}, {}, {}};
  auto container = boost::json::parse(
                       R"json({"name":"check","args":["echo no >$(KUBESIM_TERMINATION_MESSAGE_PATH)"]})json")
                       .as_object();
  auto spec = process_spec(image, container, "ns", "p", "127.0.0.2", "/tmp/pods/u1/termination-log");
  EXPECT_EQ(spec.argv.back(), "echo no >/tmp/pods/u1/termination-log");
  EXPECT_NE(std::find(spec.env.begin(), spec.env.end(),
                      std::pair<std::string, std::string>{"KUBESIM_TERMINATION_MESSAGE_PATH",
                                                          "/tmp/pods/u1/termination-log"}),
            spec.env.end());
}

// The kubelet's rules: the file wins; the log's tail only for a failure with FallbackToLogsOnError.
TEST(ClusterPodRunnerConfig, TerminationMessageFromTheFileOrTheLogsTail) {
  EXPECT_EQ(termination_message("from file", "log", true, 1), "from file");
  EXPECT_EQ(termination_message("", "log line\n", false, 1), "");
  EXPECT_EQ(termination_message("", "log line\n", true, 0), "");
  EXPECT_EQ(termination_message("", "first\nGET /health answered 503\n", true, 1),
            "first\nGET /health answered 503\n");
  EXPECT_EQ(termination_message(std::string(5000, 'f'), "", false, 1).size(), 4096u);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "line " + std::to_string(i) + "\n";
  auto tail = termination_message("", many, true, 2);
  EXPECT_EQ(tail.substr(0, 8), "line 20\n");  // the last 80 lines
  EXPECT_TRUE(tail.ends_with("line 99\n"));
  auto wide = termination_message("", std::string(3000, 'x') + "\n", true, 1);
  EXPECT_EQ(wide.size(), 2048u);
}

}  // namespace
}  // namespace kubesim::cluster
