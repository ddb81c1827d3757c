#include "apimachinery/schema_formats.hpp"

#include <algorithm>
#include <boost/regex.hpp>
#include <cctype>
#include <string>

namespace kubesim::apimachinery {
namespace {

// Boost.Regex rather than std::regex: libstdc++'s matcher recurses per character and overflows the
// stack on long inputs, while Boost's reports "too complex" as an exception.
bool full_match(const boost::regex& re, std::string_view v) {
  try {
    return boost::regex_match(v.begin(), v.end(), re);
  } catch (const std::runtime_error&) {
    return false;
  }
}

bool is_date(std::string_view v) {
  static const boost::regex re(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
  return full_match(re, v);
}

// RFC 3339 date-time, as strfmt accepts it (also lowercase t/z and a space separator).
bool is_date_time(std::string_view v) {
  static const boost::regex re(
      R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$)");
  return full_match(re, v);
}

// strfmt "duration": Go-style durations ("1h30m", "500ms") plus day/week units and spaces ("3 d").
bool is_duration(std::string_view v) {
  static const boost::regex re(
      R"(^\s*-?(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w|sec|secs|second|seconds|min|mins|minute|minutes|hour|hours|day|days|week|weeks)\s*)+$)");
  return !v.empty() && full_match(re, v);
}

bool is_byte(std::string_view v) {
  static const boost::regex re(R"(^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$)");
  return full_match(re, v);
}

bool is_uuid(std::string_view v) {
  static const boost::regex re(
      R"(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)");
  return full_match(re, v);
}

bool is_ipv4(std::string_view v) {
  static const boost::regex re(
      R"(^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$)");
  return full_match(re, v);
}

bool is_ipv6(std::string_view v) {
  if (v.empty() || v.size() > 45 || std::count(v.begin(), v.end(), ':') < 2) return false;
  auto dbl = v.find("::");
  if (dbl != std::string_view::npos && v.find("::", dbl + 1) != std::string_view::npos) return false;
  std::size_t groups = 0;
  std::size_t start = 0;
  while (start <= v.size()) {
    auto colon = v.find(':', start);
    auto part = v.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (!part.empty()) {
      if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
        if (!is_ipv4(part)) return false;
        groups += 2;
      } else {
        if (part.size() > 4 || !std::all_of(part.begin(), part.end(), [](char c) {
              return std::isxdigit(static_cast<unsigned char>(c));
            }))
          return false;
        ++groups;
      }
    }
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return dbl != std::string_view::npos ? groups < 8 : groups == 8;
}

bool is_cidr(std::string_view v) {
  auto slash = v.find('/');
  if (slash == std::string_view::npos) return false;
  auto ip = v.substr(0, slash);
  auto bits = v.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 ||
      !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int n = std::stoi(std::string(bits));
  if (is_ipv4(ip)) return n <= 32;
  return is_ipv6(ip) && n <= 128;
}

bool is_mac(std::string_view v) {
  static const boost::regex re(R"(^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$)");
  return full_match(re, v);
}

bool is_hostname(std::string_view v) {
  static const boost::regex re(
      R"(^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$)");
  return v.size() <= 253 && full_match(re, v);
}

bool is_email(std::string_view v) {
  static const boost::regex re(R"(^[^@\s]+@[^@\s]+$)");
  return full_match(re, v);
}

}  // namespace

std::optional<bool> check_string_format(std::string_view format, std::string_view value) {
  if (format == "date-time" || format == "datetime") return is_date_time(value);
  if (format == "date") return is_date(value);
  if (format == "duration") return is_duration(value);
  if (format == "byte") return is_byte(value);
  if (format == "uuid" || format == "uuid3" || format == "uuid4" || format == "uuid5") return is_uuid(value);
  if (format == "ipv4") return is_ipv4(value);
  if (format == "ipv6") return is_ipv6(value);
  if (format == "cidr") return is_cidr(value);
  if (format == "mac") return is_mac(value);
  if (format == "hostname") return is_hostname(value);
  if (format == "email") return is_email(value);
  return std::nullopt;  // e.g. "password", "int32": informational only
}

}  // namespace kubesim::apimachinery
