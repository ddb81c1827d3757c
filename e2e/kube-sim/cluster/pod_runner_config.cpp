// The pod runner's configuration and the command line of a pod's process (pure parts).
#include <yaml-cpp/yaml.h>

#include "json_util.hpp"
#include "pod_runner.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

std::optional<RunnerConfig> parse_runner_config(const std::string& yaml, std::string& error) {
  try {
    YAML::Node root = YAML::Load(yaml);
    YAML::Node images = root["images"];
    if (!images || !images.IsMap()) {
      error = "pod runner config: `images` must be a map of image -> {command, args, env}";
      return std::nullopt;
    }
    RunnerConfig config;
    for (const auto& entry : images) {
      std::string image = entry.first.as<std::string>();
      const YAML::Node& spec = entry.second;
      ImageCommand cmd;
      if (!spec.IsMap() || !spec["command"] || !spec["command"].IsSequence() || spec["command"].size() == 0) {
        error = "pod runner config: image " + image + " needs a non-empty `command` list";
        return std::nullopt;
      }
      for (const auto& c : spec["command"]) cmd.command.push_back(c.as<std::string>());
      if (spec["args"] && spec["args"].IsSequence())
        for (const auto& a : spec["args"]) cmd.args.push_back(a.as<std::string>());
      if (spec["env"] && spec["env"].IsMap())
        for (const auto& e : spec["env"])
          cmd.env.emplace_back(e.first.as<std::string>(), e.second.as<std::string>());
      config[image] = std::move(cmd);
    }
    return config;
  } catch (const YAML::Exception& e) {
    error = std::string("pod runner config: ") + e.what();
    return std::nullopt;
  }
}

namespace {
// $(VAR) from the environment; $$(VAR) escapes; unknown variables stay as written (kubelet rules).
std::string expand(const std::string& s, const std::vector<std::pair<std::string, std::string>>& env) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '(') {
      auto close = s.find(')', i + 2);
      if (close != std::string::npos) {
        std::string var = s.substr(i + 2, close - i - 2);
        const std::string* value = nullptr;
        for (const auto& [k, v] : env)
          if (k == var) value = &v;
        if (value) {
          out += *value;
          i = close;
          continue;
        }
      }
    }
    out += s[i];
  }
  return out;
}
}  // namespace

ProcessSpec process_spec(const ImageCommand& image, const json::object& container, const std::string& ns,
                         const std::string& name, const std::string& ip,
                         const std::string& termination_path) {
  ProcessSpec spec;
  spec.env = {{"POD_NAME", name}, {"POD_NAMESPACE", ns}, {"POD_IP", ip}};
  if (!termination_path.empty()) spec.env.emplace_back("KUBESIM_TERMINATION_MESSAGE_PATH", termination_path);
  for (const auto& e : image.env) spec.env.push_back(e);
  if (const auto* env = container.if_contains("env"); env && env->is_array())
    for (const auto& e : env->as_array())
      if (const auto* eo = e.if_object(); eo && !str_at(*eo, {"name"}).empty() && at_path(*eo, {"value"}))
        spec.env.emplace_back(str_at(*eo, {"name"}), expand(str_at(*eo, {"value"}), spec.env));
  std::vector<std::string> args = image.args;
  if (const auto* a = container.if_contains("args"); a && a->is_array() && !a->as_array().empty()) {
    args.clear();
    for (const auto& v : a->as_array())
      if (v.is_string()) args.emplace_back(v.as_string());
  }
  for (const auto& c : image.command) spec.argv.push_back(expand(c, spec.env));
  for (const auto& a : args) spec.argv.push_back(expand(a, spec.env));
  return spec;
}

std::string termination_message(const std::string& file, const std::string& log, bool fallback_to_logs,
                                int exit_code) {
  constexpr std::size_t kMaxFile = 4096, kMaxLog = 2048, kMaxLines = 80;
  if (!file.empty() || !fallback_to_logs || exit_code == 0) return file.substr(0, kMaxFile);
  // The last kMaxLines lines: walk back over that many line breaks (a trailing one ends the last
  // line rather than starting an empty one).
  std::size_t pos = log.size();
  if (pos > 0 && log[pos - 1] == '\n') --pos;
  std::size_t start = 0;
  for (std::size_t lines = 0; lines < kMaxLines && pos > 0; ++lines) {
    auto nl = log.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      start = 0;
      break;
    }
    start = nl + 1;
    pos = nl;
  }
  if (log.size() - start > kMaxLog) start = log.size() - kMaxLog;
  return log.substr(start);
}

}  // namespace kubesim::cluster
