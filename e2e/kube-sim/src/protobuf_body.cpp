#include "protobuf_body.hpp"

#include <string_view>

#include "protobuf/converter.hpp"
#include "protobuf/wire_reader.hpp"
#include "resource_type.hpp"

namespace kubesim {
namespace json = boost::json;
namespace pb = kubesim::protobuf;

namespace {
constexpr std::string_view kMagic("k8s\0", 4);

ApiError undecodable(const std::string& why) {
  return bad_request("the body of the request could not be decoded as protobuf: " + why);
}
}  // namespace

bool speaks_protobuf(const ResourceType& type) {
  return type.crd_name.empty() && pb::find_kind(type.api_version(), type.kind) != nullptr;
}

std::vector<std::string> accepted_body_media_types(const ResourceType& type) {
  std::vector<std::string> accepted{"application/json", "application/yaml"};
  if (speaks_protobuf(type)) accepted.emplace_back("application/vnd.kubernetes.protobuf");
  return accepted;
}

Result<json::value> decode_protobuf_object(const std::string& body, const ResourceType* endpoint) {
  if (endpoint && !speaks_protobuf(*endpoint))
    return unsupported_body_media_type(accepted_body_media_types(*endpoint));
  const std::string_view data(body);
  if (data.substr(0, kMagic.size()) != kMagic)
    return bad_request(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");

  // runtime.Unknown: {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}
  pb::WireReader r(data.substr(kMagic.size()));
  std::string_view api_version, kind, raw, encoding;
  while (auto f = r.next()) {
    if (f->wire != pb::Wire::Bytes) continue;
    if (f->number == 1) {
      pb::WireReader t(f->bytes);
      while (auto g = t.next()) {
        if (g->wire != pb::Wire::Bytes) continue;
        if (g->number == 1) api_version = g->bytes;
        if (g->number == 2) kind = g->bytes;
      }
      if (!t.error().empty()) return undecodable("Unknown.typeMeta: " + t.error());
    } else if (f->number == 2) {
      raw = f->bytes;
    } else if (f->number == 3) {
      encoding = f->bytes;
    }
  }
  if (!r.error().empty()) return undecodable("Unknown: " + r.error());
  if (!encoding.empty()) return undecodable("unsupported content encoding \"" + std::string(encoding) + "\"");
  if (kind.empty()) return bad_request("Object 'Kind' is missing in the protobuf body");

  const pb::Message* message = pb::find_kind(api_version, kind);
  if (!message)
    return bad_request("no kind \"" + std::string(kind) + "\" is registered for version \"" +
                       std::string(api_version) + "\"");
  std::string error;
  auto object = pb::to_json(*message, raw, error);
  if (!object) return undecodable(error);
  json::object out;
  out["apiVersion"] = json::string(api_version);
  out["kind"] = json::string(kind);
  for (auto& kv : *object) out[kv.key()] = std::move(kv.value());
  return json::value(std::move(out));
}

}  // namespace kubesim
