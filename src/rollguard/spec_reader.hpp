#pragma once
// Reading a user-written JSON object field by field, collecting a FieldError for each field that
// has the wrong type or an invalid value, instead of stopping at the first. Internal to the policy
// parser (policy.cpp, policy_slos.cpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/policy.hpp"

namespace rollguard::spec {

class Reader {
 public:
  // `object` may be null (an absent optional section): every field then reads as absent.
  Reader(const boost::json::object* object, std::string path, std::vector<FieldError>& errors)
      : object_(object), path_(std::move(path)), errors_(&errors) {}

  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const;
  void error(std::string_view key, std::string message) const;
  std::vector<FieldError>& errors() const { return *errors_; }

  // Each returns nullopt when the field is absent, or (after recording an error) when mistyped.
  std::optional<std::string> string(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key) const;  // 3 or 3.0; not 3.5
  std::optional<double> number(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<Duration> duration(std::string_view key) const;
  const boost::json::object* object(std::string_view key) const;
  const boost::json::array* array(std::string_view key) const;

  // A string that must be present and non-empty.
  std::string required_string(std::string_view key) const;
  // An integer within [min, max]; `fallback` when absent or invalid.
  std::int64_t integer_in(std::string_view key, std::int64_t min, std::int64_t max,
                          std::int64_t fallback) const;
  // A SecretKeyRef {name, key} at `key`, both required.
  std::optional<SecretKeyRef> secret_key_ref(std::string_view key) const;

  Reader child(std::string_view key) const { return Reader(object(key), path(key), *errors_); }

 private:
  const boost::json::value* find(std::string_view key) const;
  void type_error(std::string_view key, std::string_view expected) const;

  const boost::json::object* object_;
  std::string path_;
  std::vector<FieldError>* errors_;
};

inline bool is_http_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

// A duration that must be > 0 (timeouts); `fallback` when absent or invalid.
Duration positive_duration(const Reader& r, std::string_view key, Duration fallback);

// spec.slos[].job (policy_job_slo.cpp).
JobSlo parse_job(const Reader& r);

// spec.slos (policy_slos.cpp): every SLO that parsed; errors for the rest, duplicate names included.
std::vector<Slo> parse_slos(const Reader& spec);

}  // namespace rollguard::spec
