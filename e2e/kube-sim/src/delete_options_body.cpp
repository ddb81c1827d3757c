#include "delete_options_body.hpp"

#include <string_view>

#include "body.hpp"
#include "proto_wire.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
constexpr std::string_view kMagic{"k8s\0", 4};

ApiError undecodable(const std::string& why) {
  return bad_request("the body of the request could not be decoded: protobuf DeleteOptions: " + why);
}

// Preconditions { uid = 1; resourceVersion = 2 }
Result<json::object> preconditions(std::string_view raw) {
  json::object out;
  ProtoReader r(raw);
  while (auto f = r.next()) {
    if (f->wire != 2) continue;
    if (f->number == 1) out["uid"] = f->bytes;
    if (f->number == 2) out["resourceVersion"] = f->bytes;
  }
  if (r.failed()) return undecodable("malformed preconditions");
  return out;
}

// DeleteOptions { gracePeriodSeconds = 1; preconditions = 2; orphanDependents = 3;
//                 propagationPolicy = 4; repeated dryRun = 5 } (k8s.io/apimachinery meta/v1 generated.proto)
Result<json::object> delete_options(std::string_view raw) {
  json::object out{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  json::array dry_run;
  ProtoReader r(raw);
  while (auto f = r.next()) {
    if (f->number == 1 && f->wire == 0) out["gracePeriodSeconds"] = static_cast<std::int64_t>(f->varint);
    if (f->number == 3 && f->wire == 0) out["orphanDependents"] = f->varint != 0;
    if (f->number == 4 && f->wire == 2) out["propagationPolicy"] = f->bytes;
    if (f->number == 5 && f->wire == 2) dry_run.emplace_back(f->bytes);
    if (f->number == 2 && f->wire == 2) {
      auto p = preconditions(f->bytes);
      if (!p) return p.error();
      out["preconditions"] = std::move(*p);
    }
  }
  if (r.failed()) return undecodable("malformed message");
  if (!dry_run.empty()) out["dryRun"] = std::move(dry_run);
  return out;
}
}  // namespace

Result<json::value> parse_delete_options_body(const std::string& body, const std::string& content_type) {
  if (content_type.find("protobuf") == std::string::npos) return parse_body(body, content_type);
  std::string_view data(body);
  if (!data.starts_with(kMagic)) return undecodable("no k8s magic prefix");
  // runtime.Unknown { TypeMeta typeMeta = 1 { apiVersion = 1; kind = 2 }; bytes raw = 2 }
  std::string kind;
  std::string_view raw;
  ProtoReader envelope(data.substr(kMagic.size()));
  while (auto f = envelope.next()) {
    if (f->number == 2 && f->wire == 2) raw = f->bytes;
    if (f->number == 1 && f->wire == 2) {
      ProtoReader type_meta(f->bytes);
      while (auto g = type_meta.next())
        if (g->number == 2 && g->wire == 2) kind = g->bytes;
      if (type_meta.failed()) return undecodable("malformed typeMeta");
    }
  }
  if (envelope.failed()) return undecodable("malformed envelope");
  if (kind != "DeleteOptions")
    return undecodable("the body is a " + (kind.empty() ? "message without kind" : kind));
  auto o = delete_options(raw);
  if (!o) return o.error();
  return json::value(std::move(*o));
}

}  // namespace kubesim
