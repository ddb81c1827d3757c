#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/regex.hpp>
#include <cmath>
#include <cstdio>
#include <optional>

#include "apimachinery/schema.hpp"
#include "apimachinery/schema_formats.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

std::string json_type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return std::trunc(v.get_double()) == v.get_double() ? "integer" : "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "unknown";
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

// Numbers the way Go prints them in field errors: integers without a fraction.
std::string render(const json::value& v) {
  if (v.is_double()) {
    double d = v.get_double();
    char buf[64];
    if (std::trunc(d) == d && std::fabs(d) < 1e15)
      std::snprintf(buf, sizeof buf, "%.0f", d);
    else
      std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }
  return json::serialize(v);
}

bool type_matches(std::string_view type, const json::value& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "number") return number_of(v).has_value();
  if (type == "integer")
    return v.is_int64() || v.is_uint64() || (v.is_double() && std::trunc(v.get_double()) == v.get_double());
  return true;  // no or unknown type: anything
}

bool flag(const json::object& schema, std::string_view name) {
  const auto* f = schema.if_contains(name);
  return f && f->is_bool() && f->get_bool();
}

class Validator {
 public:
  std::vector<StatusCause> causes;

  void validate(const json::value& schema_value, const json::value& v, const std::string& path,
                bool resource_root) {
    const auto* schema = schema_value.if_object();
    if (schema == nullptr) return;
    if (v.is_null()) {
      if (flag(*schema, "nullable")) return;
      if (!schema->contains("type") && !flag(*schema, "x-kubernetes-int-or-string")) return;
    }
    if (flag(*schema, "x-kubernetes-int-or-string")) {
      if (!(v.is_string() || v.is_int64() || v.is_uint64() ||
            (v.is_double() && type_matches("integer", v)))) {
        type_error(path, "integer,string", v);
        return;
      }
    } else if (const auto* type = schema->if_contains("type"); type && type->is_string()) {
      if (!type_matches(type->get_string(), v)) {
        type_error(path, std::string(type->get_string()), v);
        return;
      }
    }
    check_enum(*schema, v, path);
    if (auto n = number_of(v)) check_number(*schema, v, *n, path);
    if (v.is_string()) check_string(*schema, v, path);
    if (const auto* arr = v.if_array()) check_array(*schema, *arr, path);
    if (const auto* obj = v.if_object()) check_object(*schema, *obj, path, resource_root);
  }

 private:
  static std::string in_body(const std::string& path) { return path.empty() ? "body" : path + " in body"; }

  void add(std::string reason, std::string message, const std::string& path) {
    causes.push_back({std::move(reason), std::move(message), path});
  }

  void type_error(const std::string& path, const std::string& want, const json::value& v) {
    std::string got = json_type_name(v);
    add("FieldValueTypeInvalid",
        "Invalid value: \"" + got + "\": " + in_body(path) + " must be of type " + want + ": \"" + got + "\"",
        path);
  }

  void invalid(const std::string& path, const json::value& v, const std::string& what) {
    add("FieldValueInvalid", "Invalid value: " + render(v) + ": " + in_body(path) + " " + what, path);
  }

  void check_enum(const json::object& schema, const json::value& v, const std::string& path) {
    const auto* e = schema.if_contains("enum");
    if (e == nullptr || !e->is_array()) return;
    for (const auto& allowed : e->get_array())
      if (allowed == v || (number_of(allowed) && number_of(v) && *number_of(allowed) == *number_of(v)))
        return;
    std::string supported;
    for (const auto& allowed : e->get_array()) supported += (supported.empty() ? "" : ", ") + render(allowed);
    add("FieldValueNotSupported", "Unsupported value: " + render(v) + ": supported values: " + supported,
        path);
  }

  void check_number(const json::object& schema, const json::value& v, double n, const std::string& path) {
    if (auto min = schema.if_contains("minimum"); min && number_of(*min)) {
      bool exclusive = flag(schema, "exclusiveMinimum");
      double m = *number_of(*min);
      if (exclusive ? n <= m : n < m)
        invalid(path, v,
                std::string("should be greater than ") + (exclusive ? "" : "or equal to ") + render(*min));
    }
    if (auto max = schema.if_contains("maximum"); max && number_of(*max)) {
      bool exclusive = flag(schema, "exclusiveMaximum");
      double m = *number_of(*max);
      if (exclusive ? n >= m : n > m)
        invalid(path, v,
                std::string("should be less than ") + (exclusive ? "" : "or equal to ") + render(*max));
    }
    if (auto mult = schema.if_contains("multipleOf"); mult && number_of(*mult) && *number_of(*mult) > 0) {
      double q = n / *number_of(*mult);
      if (std::fabs(q - std::round(q)) > 1e-9) invalid(path, v, "should be a multiple of " + render(*mult));
    }
  }

  void check_string(const json::object& schema, const json::value& v, const std::string& path) {
    std::string_view s = v.get_string();
    // Lengths count characters (runes), not bytes.
    std::size_t chars = 0;
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
    if (auto min = schema.if_contains("minLength"); min && number_of(*min) && chars < *number_of(*min))
      invalid(path, v, "should be at least " + render(*min) + " chars long");
    if (auto max = schema.if_contains("maxLength"); max && number_of(*max) && chars > *number_of(*max))
      add("FieldValueTooLong", "Too long: may not be more than " + render(*max) + " bytes", path);
    if (auto pattern = schema.if_contains("pattern"); pattern && pattern->is_string()) {
      std::string p(pattern->get_string());
      // Boost.Regex, not std::regex: libstdc++ recurses per character and overflows the stack on
      // long values; Boost throws instead. Upstream (RE2) is linear, so a match too complex to
      // decide is reported as a mismatch rather than crashing or silently passing.
      bool matched = true;
      try {
        boost::regex re(p, boost::regex::ECMAScript);
        matched = boost::regex_search(s.begin(), s.end(), re);
      } catch (const boost::regex_error& e) {
        // An uncompilable pattern is the CRD's fault (the CRD validation rejects it upstream), but
        // running out of stack/complexity budget on this value counts as a mismatch.
        matched = e.code() != boost::regex_constants::error_stack &&
                  e.code() != boost::regex_constants::error_complexity;
      } catch (const std::runtime_error&) {
        matched = false;
      }
      if (!matched) invalid(path, v, "should match '" + p + "'");
    }
    if (auto format = schema.if_contains("format"); format && format->is_string()) {
      auto ok = check_string_format(format->get_string(), s);
      if (ok && !*ok)
        add("FieldValueInvalid",
            "Invalid value: " + render(v) + ": " + in_body(path) + " must be of type " +
                std::string(format->get_string()) + ": " + render(v),
            path);
    }
  }

  void check_array(const json::object& schema, const json::array& arr, const std::string& path) {
    if (auto min = schema.if_contains("minItems"); min && number_of(*min) && arr.size() < *number_of(*min))
      add("FieldValueInvalid",
          "Invalid value: " + std::to_string(arr.size()) + ": " + in_body(path) + " should have at least " +
              render(*min) + " items",
          path);
    if (auto max = schema.if_contains("maxItems"); max && number_of(*max) && arr.size() > *number_of(*max))
      add("FieldValueTooMany",
          "Too many: " + std::to_string(arr.size()) + ": must have at most " + render(*max) + " items", path);
    if (const auto* items = schema.if_contains("items"))
      for (std::size_t i = 0; i < arr.size(); ++i)
        validate(*items, arr[i], path + "[" + std::to_string(i) + "]", false);
  }

  void check_object(const json::object& schema, const json::object& obj, const std::string& path,
                    bool resource_root) {
    auto skip = [&](std::string_view key) {
      return resource_root && (key == "apiVersion" || key == "kind" || key == "metadata");
    };
    auto child = [&](std::string_view key) {
      return path.empty() ? std::string(key) : path + "." + std::string(key);
    };
    if (flag(schema, "x-kubernetes-embedded-resource")) {
      for (std::string_view key : {"apiVersion", "kind"})
        if (!obj.contains(key)) add("FieldValueRequired", "Required value", child(key));
    }
    if (const auto* req = schema.if_contains("required"); req && req->is_array())
      for (const auto& r : req->get_array())
        if (r.is_string() && !skip(r.get_string()) && !obj.contains(r.get_string()))
          add("FieldValueRequired", "Required value", child(r.get_string()));
    const auto* props = schema.if_contains("properties");
    const auto* additional = schema.if_contains("additionalProperties");
    for (const auto& [key, v] : obj) {
      if (skip(key)) continue;
      const json::value* sub = nullptr;
      if (props && props->is_object()) sub = props->get_object().if_contains(key);
      if (sub == nullptr && additional && additional->is_object()) sub = additional;
      if (sub) validate(*sub, v, child(key), false);
    }
    if (auto min = schema.if_contains("minProperties");
        min && number_of(*min) && obj.size() < *number_of(*min))
      add("FieldValueInvalid",
          "Invalid value: " + std::to_string(obj.size()) + ": " + in_body(path) + " should have at least " +
              render(*min) + " properties",
          path);
    if (auto max = schema.if_contains("maxProperties");
        max && number_of(*max) && obj.size() > *number_of(*max))
      add("FieldValueTooMany",
          "Too many: " + std::to_string(obj.size()) + ": must have at most " + render(*max) + " items", path);
  }
};

}  // namespace

std::vector<StatusCause> validate_schema(const json::value& schema, const json::value& value,
                                         std::string_view path) {
  Validator v;
  v.validate(schema, value, std::string(path), path.empty());
  return std::move(v.causes);
}

}  // namespace kubesim::apimachinery
