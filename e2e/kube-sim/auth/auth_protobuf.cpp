#include "auth/auth_protobuf.hpp"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace kubesim::auth {
namespace json = boost::json;

namespace {
// Walks the fields of one message; false on malformed input. Only varints and length-delimited
// values reach the callback (TokenRequest uses nothing else).
bool for_each_field(std::string_view data,
                    const std::function<void(std::uint32_t, std::uint64_t, std::string_view)>& on_field) {
  std::size_t pos = 0;
  auto varint = [&](std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= data.size()) return false;
      const auto byte = static_cast<unsigned char>(data[pos++]);
      out |= std::uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  };
  while (pos < data.size()) {
    std::uint64_t key = 0, value = 0;
    if (!varint(key)) return false;
    const auto number = static_cast<std::uint32_t>(key >> 3);
    switch (key & 7) {
      case 0:
        if (!varint(value)) return false;
        on_field(number, value, {});
        break;
      case 1:
      case 5: {
        const std::size_t n = (key & 7) == 1 ? 8 : 4;
        if (data.size() - pos < n) return false;
        pos += n;
        break;
      }
      case 2:
        if (!varint(value) || value > data.size() - pos) return false;
        on_field(number, 0, data.substr(pos, value));
        pos += value;
        break;
      default:
        return false;
    }
  }
  return true;
}

// The string fields of a message by field number (names[number - 1]); unknown numbers skipped.
std::optional<json::object> strings_of(std::string_view data, std::initializer_list<const char*> names) {
  json::object out;
  const std::vector<const char*> by_number(names);
  bool ok = for_each_field(data, [&](std::uint32_t n, std::uint64_t, std::string_view s) {
    if (n >= 1 && n <= by_number.size() && by_number[n - 1] && !s.empty()) out[by_number[n - 1]] = s;
  });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<json::object> token_request_spec(std::string_view spec) {
  json::array audiences;
  std::optional<std::int64_t> expiration;
  bool ok = for_each_field(spec, [&](std::uint32_t m, std::uint64_t v, std::string_view s) {
    if (m == 1) audiences.emplace_back(s);
    if (m == 4) expiration = static_cast<std::int64_t>(v);
  });
  if (!ok) return std::nullopt;
  json::object out{{"audiences", std::move(audiences)}};
  if (expiration) out["expirationSeconds"] = *expiration;
  return out;
}

std::optional<json::object> access_review_spec(std::string_view spec) {
  json::object out;
  bool inner_ok = true;
  bool ok = for_each_field(spec, [&](std::uint32_t m, std::uint64_t, std::string_view s) {
    std::optional<json::object> attrs;
    if (m == 1) {
      attrs = strings_of(s, {"namespace", "verb", "group", "version", "resource", "subresource", "name"});
      if (attrs) out["resourceAttributes"] = std::move(*attrs);
    } else if (m == 2) {
      attrs = strings_of(s, {"path", "verb"});
      if (attrs) out["nonResourceAttributes"] = std::move(*attrs);
    } else {
      return;
    }
    inner_ok = inner_ok && attrs.has_value();
  });
  if (!ok || !inner_ok) return std::nullopt;
  return out;
}
}  // namespace

std::optional<json::object> decode_auth_protobuf(const std::string& body) {
  const std::string_view magic("k8s\0", 4);
  if (body.size() < 4 || std::string_view(body).substr(0, 4) != magic) return std::nullopt;
  std::string api_version, kind;
  std::string_view raw;
  bool ok = for_each_field(std::string_view(body).substr(4),
                           [&](std::uint32_t n, std::uint64_t, std::string_view b) {
                             if (n == 2) raw = b;
                             if (n == 1)
                               for_each_field(b, [&](std::uint32_t m, std::uint64_t, std::string_view s) {
                                 if (m == 1) api_version = s;
                                 if (m == 2) kind = s;
                               });
                           });
  if (!ok) return std::nullopt;
  std::string_view spec;
  ok = for_each_field(raw, [&](std::uint32_t n, std::uint64_t, std::string_view b) {
    if (n == 2) spec = b;
  });
  if (!ok) return std::nullopt;
  std::optional<json::object> decoded_spec;
  if (api_version == "authentication.k8s.io/v1" && kind == "TokenRequest") {
    decoded_spec = token_request_spec(spec);
  } else if (api_version == "authorization.k8s.io/v1" && kind == "SelfSubjectAccessReview") {
    decoded_spec = access_review_spec(spec);
  } else if (api_version == "authorization.k8s.io/v1" && kind == "SelfSubjectRulesReview") {
    decoded_spec = strings_of(spec, {"namespace"});
  } else if (api_version == "authentication.k8s.io/v1" && kind == "SelfSubjectReview") {
    decoded_spec = json::object{};  // field 2 is its status: nothing to read
  } else {
    return std::nullopt;
  }
  if (!decoded_spec) return std::nullopt;
  json::object out{{"apiVersion", api_version}, {"kind", kind}, {"metadata", json::object{}}};
  if (kind != "SelfSubjectReview") out["spec"] = std::move(*decoded_spec);
  return out;
}

}  // namespace kubesim::auth
