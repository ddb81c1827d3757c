#include "faults/fault_injector.hpp"

#include <boost/json.hpp>
#include <initializer_list>
#include <string_view>

namespace kubesim::faults {
namespace json = boost::json;

namespace {
const char* reason_for(int code) {
  switch (code) {
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "InternalError";
  }
}

bool matches(const std::string& pattern, const std::string& value) {
  return pattern == "*" || pattern == value;
}

const std::vector<std::string>& known_verbs() {
  static const std::vector<std::string> verbs{"*",      "get",   "list",   "watch",           "create",
                                              "update", "patch", "delete", "deletecollection"};
  return verbs;
}

// A misspelt field would otherwise silently inject nothing: reject what is not known.
bool only_known_fields(const json::object& object, std::initializer_list<std::string_view> known,
                       const std::string& path, std::string& error) {
  for (const auto& field : object) {
    bool is_known = false;
    for (auto name : known) is_known = is_known || field.key() == name;
    if (!is_known) {
      error = path + std::string(field.key()) + ": unknown field";
      return false;
    }
  }
  return true;
}

template <class T>
bool read_number(const json::object& object, const char* key, T& out, std::string& error,
                 const std::string& path) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return true;
  if (!value->is_number()) {
    error = path + key + ": must be a number";
    return false;
  }
  out = value->to_number<T>();
  return true;
}

// A rule's "verb" and "resource" (both default "*").
bool read_match(const json::object& rule, std::string& verb_out, std::string& resource_out,
                const std::string& path, std::string& error) {
  if (const auto* verb = rule.if_contains("verb")) {
    if (!verb->is_string()) {
      error = path + "verb: must be a string";
      return false;
    }
    verb_out = std::string(verb->get_string());
    bool known = false;
    for (const auto& v : known_verbs()) known = known || v == verb_out;
    if (!known) {
      error = path + "verb: unknown verb \"" + verb_out + "\"";
      return false;
    }
  }
  if (const auto* resource = rule.if_contains("resource")) {
    if (!resource->is_string()) {
      error = path + "resource: must be a string";
      return false;
    }
    resource_out = std::string(resource->get_string());
  }
  return true;
}

// Each item of a rule list as an object, with its path ("delays[2].") for errors.
template <class F>
bool for_each_rule(const json::object& config, const char* key, std::string& error, F&& read) {
  const auto* rules = config.if_contains(key);
  if (rules == nullptr) return true;
  if (!rules->is_array()) {
    error = std::string(key) + ": must be a list";
    return false;
  }
  std::size_t index = 0;
  for (const auto& item : rules->get_array()) {
    const std::string path = std::string(key) + "[" + std::to_string(index++) + "].";
    if (!item.is_object()) {
      error = path.substr(0, path.size() - 1) + ": must be an object";
      return false;
    }
    if (!read(item.get_object(), path)) return false;
  }
  return true;
}
}  // namespace

json::value InjectedError::status_body() const {
  json::object status{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object{}},
                      {"status", "Failure"}, {"message", message}, {"reason", reason},
                      {"code", code}};
  if (retry_after_seconds > 0) status["details"] = json::object{{"retryAfterSeconds", retry_after_seconds}};
  return status;
}

std::string classify_verb(const std::string& http_method, bool has_name, bool is_watch) {
  if (is_watch) return "watch";
  if (http_method == "GET") return has_name ? "get" : "list";
  if (http_method == "POST") return "create";
  if (http_method == "PUT") return "update";
  if (http_method == "PATCH") return "patch";
  if (http_method == "DELETE") return has_name ? "delete" : "deletecollection";
  return "unknown";
}

std::optional<FaultConfig> parse_fault_config(const json::value& body, std::string& error) {
  const auto* object = body.if_object();
  if (object == nullptr) {
    error = "fault config must be a JSON object";
    return std::nullopt;
  }
  if (!only_known_fields(*object,
                         {"errors", "delays", "latencyMs", "watchCutSeconds", "refuseConnectionsSeconds"}, "",
                         error)) {
    return std::nullopt;
  }
  FaultConfig config;
  long latency_ms = 0;
  double watch_cut_seconds = 0;
  double refuse_seconds = 0;
  if (!read_number(*object, "latencyMs", latency_ms, error, "") ||
      !read_number(*object, "watchCutSeconds", watch_cut_seconds, error, "") ||
      !read_number(*object, "refuseConnectionsSeconds", refuse_seconds, error, "")) {
    return std::nullopt;
  }
  if (latency_ms < 0 || watch_cut_seconds < 0 || refuse_seconds < 0) {
    error = "latencyMs, watchCutSeconds and refuseConnectionsSeconds must not be negative";
    return std::nullopt;
  }
  config.refuse_connections = std::chrono::milliseconds(static_cast<long>(refuse_seconds * 1000));
  config.latency = std::chrono::milliseconds(latency_ms);
  config.watch_cut = std::chrono::milliseconds(static_cast<long>(watch_cut_seconds * 1000));
  const bool errors_ok =
      for_each_rule(*object, "errors", error, [&](const json::object& rule_object, const std::string& path) {
        if (!only_known_fields(rule_object, {"verb", "resource", "share", "code", "retryAfterSeconds"}, path,
                               error)) {
          return false;
        }
        ErrorRule rule;
        if (!read_match(rule_object, rule.verb, rule.resource, path, error)) return false;
        if (!read_number(rule_object, "share", rule.share, error, path) ||
            !read_number(rule_object, "code", rule.code, error, path) ||
            !read_number(rule_object, "retryAfterSeconds", rule.retry_after_seconds, error, path)) {
          return false;
        }
        if (rule.share < 0 || rule.share > 1) {
          error = path + "share: must be between 0 and 1";
          return false;
        }
        if (rule.code != 429 && (rule.code < 500 || rule.code > 599)) {
          error = path + "code: must be 429 or 5xx";
          return false;
        }
        if (rule.retry_after_seconds < 0) {
          error = path + "retryAfterSeconds: must not be negative";
          return false;
        }
        config.errors.push_back(std::move(rule));
        return true;
      });
  if (!errors_ok) return std::nullopt;
  const bool delays_ok =
      for_each_rule(*object, "delays", error, [&](const json::object& rule_object, const std::string& path) {
        if (!only_known_fields(rule_object, {"verb", "resource", "ms"}, path, error)) return false;
        DelayRule rule;
        if (!read_match(rule_object, rule.verb, rule.resource, path, error)) return false;
        long ms = 0;
        if (!read_number(rule_object, "ms", ms, error, path)) return false;
        if (ms <= 0) {
          error = path + "ms: must be positive";
          return false;
        }
        rule.delay = std::chrono::milliseconds(ms);
        config.delays.push_back(std::move(rule));
        return true;
      });
  if (!delays_ok) return std::nullopt;
  return config;
}

json::value to_json(const FaultConfig& config) {
  json::array errors;
  for (const auto& rule : config.errors) {
    errors.push_back(json::object{{"verb", rule.verb},
                                  {"resource", rule.resource},
                                  {"share", rule.share},
                                  {"code", rule.code},
                                  {"retryAfterSeconds", rule.retry_after_seconds}});
  }
  json::array delays;
  for (const auto& rule : config.delays) {
    delays.push_back(
        json::object{{"verb", rule.verb}, {"resource", rule.resource}, {"ms", rule.delay.count()}});
  }
  return json::object{{"errors", std::move(errors)},
                      {"delays", std::move(delays)},
                      {"latencyMs", config.latency.count()},
                      {"watchCutSeconds", static_cast<double>(config.watch_cut.count()) / 1000.0}};
}

FaultInjector::FaultInjector(Random random, Clock clock)
    : random_(std::move(random)), clock_(std::move(clock)) {}

std::optional<InjectedError> FaultInjector::error_for(const std::string& verb, const std::string& resource) {
  for (const auto& rule : config_.errors) {
    if (!matches(rule.verb, verb) || !matches(rule.resource, resource)) continue;
    if (rule.share <= 0 || random_() >= rule.share) continue;
    ++injected_errors_;
    InjectedError injected;
    injected.code = rule.code;
    injected.reason = reason_for(rule.code);
    injected.message = "kube-sim: injected fault (" + verb + " " + resource + ")";
    if (rule.code == 429 || rule.code == 503) injected.retry_after_seconds = rule.retry_after_seconds;
    return injected;
  }
  return std::nullopt;
}

std::chrono::milliseconds FaultInjector::delay_for(const std::string& verb,
                                                   const std::string& resource) const {
  for (const auto& rule : config_.delays) {
    if (matches(rule.verb, verb) && matches(rule.resource, resource)) return rule.delay;
  }
  return std::chrono::milliseconds(0);
}

void FaultInjector::refuse_connections_for(std::chrono::milliseconds duration) {
  refuse_until_ = clock_() + duration;
}

bool FaultInjector::refusing_connections() const { return clock_() < refuse_until_; }

json::value FaultInjector::describe() const {
  auto description = to_json(config_).as_object();
  description["injectedErrors"] = injected_errors_;
  description["refusingConnections"] = refusing_connections();
  return description;
}

}  // namespace kubesim::faults
