#include "rollguard/json_access.hpp"

#include <charconv>
#include <cmath>

namespace rollguard::lenient {

const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

const boost::json::array* array_at(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

std::string string_at(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

std::int64_t int_at(const boost::json::object& o, std::string_view key, std::int64_t fallback) {
  auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double() && std::isfinite(v->get_double()) && std::abs(v->get_double()) < 9e15) {
    return static_cast<std::int64_t>(v->get_double());
  }
  if (v->is_string()) return parse_int(v->get_string()).value_or(fallback);
  return fallback;
}

bool bool_at(const boost::json::object& o, std::string_view key, bool fallback) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() ? v->get_bool() : fallback;
}

std::optional<kube::SystemTime> time_at(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto time = kube::parse_time(v->get_string());
  // Anyone with /status rights can write "0001-01-01T00:00:00Z". parse_time clamps what nanoseconds
  // cannot hold; a time before the epoch is not one rollguard wrote, and `now - time` on it could
  // overflow (undefined behaviour, found by UBSan in kubectl rollguard's junk-status test).
  if (time && (*time < kube::SystemTime{} || *time == kube::SystemTime::max())) return std::nullopt;
  return time;
}

}  // namespace rollguard::lenient
