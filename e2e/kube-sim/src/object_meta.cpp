// Object bookkeeping helpers: metadata access, timestamps, names, generation rules.
#include <ctime>
#include <regex>

#include "api_server.hpp"

namespace kubesim {
namespace json = boost::json;

json::object& metadata_of(json::object& object) {
  auto& m = object["metadata"];
  if (!m.is_object()) m = json::object{};
  return m.as_object();
}

std::string meta_str(const json::object& object, const char* field) {
  const auto* m = object.if_contains("metadata");
  if (!m || !m->is_object()) return {};
  const auto* v = m->as_object().if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

bool spec_equal(const json::object& a, const json::object& b) {
  auto strip = [](json::object o) {
    o.erase("metadata");
    o.erase("status");
    return o;
  };
  return strip(a) == strip(b);
}

ApiError from_machinery(const apimachinery::ApiError& error) {
  ApiError e;
  e.code = static_cast<unsigned>(error.code);
  e.reason = error.reason;
  e.message = error.message;
  if (!error.causes.empty()) {
    json::array causes;
    for (const auto& c : error.causes) causes.push_back(field_cause(c.reason, c.field, c.message));
    e.details["causes"] = std::move(causes);
  }
  return e;
}

bool is_dns_subdomain(const std::string& name) {
  // RFC 1123 subdomain, as metadata.name of most kinds must be (API conventions, "Names").
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return !name.empty() && name.size() <= 253 && std::regex_match(name, re);
}

}  // namespace kubesim
