#include "rollguard/spec_reader.hpp"

#include <cmath>

#include "rollguard/duration.hpp"

namespace rollguard::spec {

namespace json = boost::json;

const json::value* Reader::find(std::string_view key) const {
  if (!object_) return nullptr;
  auto* v = object_->if_contains(key);
  // An explicit null is how JSON merge patches and some tools spell "unset".
  return v && !v->is_null() ? v : nullptr;
}

bool Reader::has(std::string_view key) const { return find(key) != nullptr; }

void Reader::error(std::string_view key, std::string message) const {
  errors_->push_back({path(key), std::move(message)});
}

void Reader::type_error(std::string_view key, std::string_view expected) const {
  error(key, "must be " + std::string(expected));
}

std::optional<std::string> Reader::string(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    type_error(key, "a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::int64_t> Reader::integer(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  // YAML-to-JSON converters may write 3 as 3.0.
  if (v->is_double() && std::nearbyint(v->get_double()) == v->get_double() &&
      std::abs(v->get_double()) < 9e15) {
    return static_cast<std::int64_t>(v->get_double());
  }
  type_error(key, "an integer");
  return std::nullopt;
}

std::optional<double> Reader::number(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_number() && std::isfinite(v->to_number<double>())) return v->to_number<double>();
  type_error(key, "a finite number");
  return std::nullopt;
}

std::optional<bool> Reader::boolean(std::string_view key) const {
  auto* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  type_error(key, "true or false");
  return std::nullopt;
}

std::optional<Duration> Reader::duration(std::string_view key) const {
  auto text = string(key);
  if (!text) return std::nullopt;
  auto parsed = parse_duration(*text);
  if (!parsed.ok()) {
    error(key, parsed.error);
    return std::nullopt;
  }
  return parsed.value;
}

const json::object* Reader::object(std::string_view key) const {
  auto* v = find(key);
  if (!v) return nullptr;
  if (!v->is_object()) {
    type_error(key, "an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* Reader::array(std::string_view key) const {
  auto* v = find(key);
  if (!v) return nullptr;
  if (!v->is_array()) {
    type_error(key, "a list");
    return nullptr;
  }
  return &v->get_array();
}

std::string Reader::required_string(std::string_view key) const {
  if (!has(key)) {
    error(key, "required");
    return {};
  }
  auto s = string(key);
  if (s && s->empty()) error(key, "must not be empty");
  return s.value_or("");
}

std::int64_t Reader::integer_in(std::string_view key, std::int64_t min, std::int64_t max,
                                std::int64_t fallback) const {
  auto n = integer(key);
  if (!n) return fallback;
  if (*n < min || *n > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                   std::to_string(*n));
    return fallback;
  }
  return *n;
}

std::optional<SecretKeyRef> Reader::secret_key_ref(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  auto ref = child(key);
  if (!ref.object_) return std::nullopt;  // mistyped: reported by object()
  SecretKeyRef out{ref.required_string("name"), ref.required_string("key")};
  return out;
}

Duration positive_duration(const Reader& r, std::string_view key, Duration fallback) {
  auto d = r.duration(key);
  if (!d) return fallback;
  if (d->count() <= 0) {
    r.error(key, "must be greater than zero");
    return fallback;
  }
  return *d;
}

}  // namespace rollguard::spec
