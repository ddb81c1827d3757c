#include "rollguard/measure/prometheus_response.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace rollguard::measure {
namespace json = boost::json;

namespace {
using Kind = PrometheusAnswer::Kind;

PrometheusAnswer invalid(std::string message) { return {Kind::Invalid, 0, std::move(message)}; }

std::string first_line(std::string_view text, std::size_t cap = 200) {
  auto line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  std::string out(line.substr(0, cap));
  if (line.size() > cap) out += "...";
  return out;
}

// A sample's value is [unixTime, "decimal"]; Prometheus spells the specials "NaN", "+Inf", "-Inf".
bool sample_value(const json::value& pair, double& out) {
  const auto* array = pair.if_array();
  if (!array || array->size() != 2 || !(*array)[1].is_string()) return false;
  const std::string text((*array)[1].as_string());
  if (text == "NaN") {
    out = std::nan("");
    return true;
  }
  if (text == "+Inf" || text == "Inf") {
    out = INFINITY;
    return true;
  }
  if (text == "-Inf") {
    out = -INFINITY;
    return true;
  }
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end && *end == '\0' && !text.empty();
}

std::string label_set(const json::value& metric) {
  std::string out = "{";
  if (const auto* object = metric.if_object()) {
    bool first = true;
    for (const auto& [name, value] : *object) {
      if (!first) out += ", ";
      first = false;
      out += std::string(name) + "=\"" + (value.is_string() ? std::string(value.as_string()) : "?") + "\"";
    }
  }
  return out + "}";
}

PrometheusAnswer number(double value, std::string note) {
  if (std::isnan(value)) {
    return invalid("query returned NaN (often 0/0: no requests in the window)");
  }
  return {Kind::Value, value, std::move(note)};
}

std::string warnings_of(const json::object& root) {
  const auto* warnings = root.if_contains("warnings");
  if (!warnings || !warnings->is_array() || warnings->as_array().empty()) return "";
  const auto& first = warnings->as_array().front();
  return "Prometheus warning: " + (first.is_string() ? std::string(first.as_string()) : std::string("?"));
}
}  // namespace

PrometheusAnswer parse_prometheus_response(int http_status, std::string_view body) {
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  const auto* root = ec ? nullptr : parsed.if_object();
  const json::value* status = root ? root->if_contains("status") : nullptr;
  if (!status || !status->is_string()) {
    std::string what = "answer is not the Prometheus query API's JSON";
    if (http_status < 200 || http_status >= 300) what = "HTTP " + std::to_string(http_status);
    const auto line = first_line(body);
    return invalid(line.empty() ? what : what + ": " + line);
  }
  if (status->as_string() != "success") {
    std::string type, error;
    if (const auto* t = root->if_contains("errorType"); t && t->is_string()) type = t->as_string();
    if (const auto* e = root->if_contains("error"); e && e->is_string()) error = e->as_string();
    return invalid("Prometheus error" + (type.empty() ? "" : " (" + type + ")") + ": " +
                   (error.empty() ? "no message" : first_line(error, 300)));
  }
  const auto* data = root->if_contains("data");
  const auto* data_object = data ? data->if_object() : nullptr;
  const json::value* type = data_object ? data_object->if_contains("resultType") : nullptr;
  const json::value* result = data_object ? data_object->if_contains("result") : nullptr;
  if (!type || !type->is_string() || !result)
    return invalid("Prometheus answer has no data.resultType/result");
  const std::string result_type(type->as_string());
  const std::string note = warnings_of(*root);

  if (result_type == "scalar") {
    double value = 0;
    if (!sample_value(*result, value)) return invalid("Prometheus scalar is malformed");
    return number(value, note);
  }
  if (result_type == "string") {
    std::string text;
    if (const auto* a = result->if_array(); a && a->size() == 2 && (*a)[1].is_string())
      text = (*a)[1].as_string();
    return invalid("query returned a string (\"" + first_line(text, 80) + "\"), expected a number");
  }
  if (result_type == "matrix") {
    return invalid(
        "query returned a range vector (matrix): use an instant query, e.g. rate(x[5m]) instead of x[5m]");
  }
  if (result_type != "vector")
    return invalid("query returned an unknown result type \"" + result_type + "\"");
  const auto* samples = result->if_array();
  if (!samples) return invalid("Prometheus vector result is not a list");
  if (samples->empty()) return {Kind::NoData, 0, note};
  if (samples->size() > 1) {
    // Picking one of several series would judge a revision on an arbitrary pod: say which ones came.
    std::string message = "query returned " + std::to_string(samples->size()) +
                          " samples, expected 1 (aggregate with sum/max/avg): ";
    constexpr std::size_t kListed = 3;
    for (std::size_t i = 0; i < samples->size() && i < kListed; ++i) {
      const auto* sample = (*samples)[i].if_object();
      message += (i ? ", " : "") +
                 label_set(sample && sample->if_contains("metric") ? sample->at("metric") : json::value());
    }
    if (samples->size() > kListed) message += ", ...";
    return invalid(std::move(message));
  }
  const auto* sample = samples->front().if_object();
  double value = 0;
  if (!sample || !sample->if_contains("value") || !sample_value(sample->at("value"), value)) {
    return invalid("Prometheus vector sample is malformed");
  }
  return number(value, note);
}

std::string url_encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace rollguard::measure
