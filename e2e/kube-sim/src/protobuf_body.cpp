#include "protobuf_body.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kubesim {
namespace json = boost::json;

namespace {
// One protobuf field: number, wire type and its value (varint or length-delimited bytes).
struct Field {
  std::uint32_t number = 0;
  std::uint32_t wire = 0;
  std::uint64_t varint = 0;
  std::string_view bytes;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  bool failed() const { return failed_; }

  std::optional<Field> next() {
    if (done()) return std::nullopt;
    auto key = varint();
    if (!key) return std::nullopt;
    Field f;
    f.number = static_cast<std::uint32_t>(*key >> 3);
    f.wire = static_cast<std::uint32_t>(*key & 7);
    switch (f.wire) {
      case 0: {
        auto v = varint();
        if (!v) return fail();
        f.varint = *v;
        break;
      }
      case 1:
      case 5: {
        std::size_t n = f.wire == 1 ? 8 : 4;
        if (data_.size() - pos_ < n) return fail();
        pos_ += n;
        break;
      }
      case 2: {
        auto len = varint();
        if (!len || *len > data_.size() - pos_) return fail();
        f.bytes = data_.substr(pos_, *len);
        pos_ += *len;
        break;
      }
      default:
        return fail();
    }
    return f;
  }

 private:
  std::optional<Field> fail() {
    failed_ = true;
    pos_ = data_.size();
    return std::nullopt;
  }
  std::optional<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    failed_ = true;
    return std::nullopt;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

std::string base64(std::string_view s) {
  namespace b = boost::beast::detail::base64;
  std::string out(b::encoded_size(s.size()), '\0');
  out.resize(b::encode(out.data(), s.data(), s.size()));
  return out;
}

// map<string, string|bytes> entries are messages {1: key, 2: value}.
void map_entry(json::object& into, std::string_view entry, bool bytes_value) {
  Reader r(entry);
  std::string key, value;
  while (auto f = r.next()) {
    if (f->number == 1) key = f->bytes;
    if (f->number == 2) value = f->bytes;
  }
  into[key] = bytes_value ? base64(value) : value;
}

void put_string(json::object& o, const char* name, std::string_view v) {
  if (!v.empty()) o[name] = json::string(v);
}

json::object object_meta(std::string_view data) {
  json::object m;
  json::object labels, annotations;
  json::array finalizers, owners;
  Reader r(data);
  while (auto f = r.next()) {
    switch (f->number) {
      case 1:
        put_string(m, "name", f->bytes);
        break;
      case 2:
        put_string(m, "generateName", f->bytes);
        break;
      case 3:
        put_string(m, "namespace", f->bytes);
        break;
      case 5:
        put_string(m, "uid", f->bytes);
        break;
      case 6:
        put_string(m, "resourceVersion", f->bytes);
        break;
      case 11:
        map_entry(labels, f->bytes, false);
        break;
      case 12:
        map_entry(annotations, f->bytes, false);
        break;
      case 13: {
        json::object ref;
        Reader rr(f->bytes);
        while (auto g = rr.next()) {
          if (g->number == 1) put_string(ref, "kind", g->bytes);
          if (g->number == 3) put_string(ref, "name", g->bytes);
          if (g->number == 4) put_string(ref, "uid", g->bytes);
          if (g->number == 5) put_string(ref, "apiVersion", g->bytes);
          if (g->number == 6) ref["controller"] = g->varint != 0;
          if (g->number == 7) ref["blockOwnerDeletion"] = g->varint != 0;
        }
        owners.push_back(std::move(ref));
        break;
      }
      case 14:
        finalizers.push_back(json::string(f->bytes));
        break;
      default:
        break;
    }
  }
  if (!labels.empty()) m["labels"] = std::move(labels);
  if (!annotations.empty()) m["annotations"] = std::move(annotations);
  if (!owners.empty()) m["ownerReferences"] = std::move(owners);
  if (!finalizers.empty()) m["finalizers"] = std::move(finalizers);
  return m;
}

std::optional<json::object> decode_kind(const std::string& kind, std::string_view raw) {
  json::object o;
  json::object data, binary, string_data;
  Reader r(raw);
  while (auto f = r.next()) {
    if (f->number == 1 && f->wire == 2) {
      o["metadata"] = object_meta(f->bytes);
      continue;
    }
    if (kind == "ConfigMap") {
      if (f->number == 2) map_entry(data, f->bytes, false);
      if (f->number == 3) map_entry(binary, f->bytes, true);
      if (f->number == 4) o["immutable"] = f->varint != 0;
    } else if (kind == "Secret") {
      if (f->number == 2) map_entry(data, f->bytes, true);
      if (f->number == 3) put_string(o, "type", f->bytes);
      if (f->number == 4) map_entry(string_data, f->bytes, false);
      if (f->number == 5) o["immutable"] = f->varint != 0;
    } else if (kind == "Namespace") {
      if (f->number == 2) {
        json::array fin;
        Reader s(f->bytes);
        while (auto g = s.next())
          if (g->number == 1) fin.push_back(json::string(g->bytes));
        o["spec"] = json::object{{"finalizers", std::move(fin)}};
      }
    } else {
      return std::nullopt;
    }
  }
  if (r.failed()) return std::nullopt;
  if (!data.empty()) o["data"] = std::move(data);
  if (!binary.empty()) o["binaryData"] = std::move(binary);
  if (!string_data.empty()) o["stringData"] = std::move(string_data);
  return o;
}
}  // namespace

Result<json::value> decode_protobuf_object(const std::string& body) {
  static const std::string_view magic("k8s\0", 4);
  if (body.size() < 4 || std::string_view(body).substr(0, 4) != magic)
    return unsupported_media_type("application/vnd.kubernetes.protobuf");
  Reader r(std::string_view(body).substr(4));
  std::string api_version, kind;
  std::string_view raw;
  while (auto f = r.next()) {
    if (f->number == 1) {
      Reader t(f->bytes);
      while (auto g = t.next()) {
        if (g->number == 1) api_version = g->bytes;
        if (g->number == 2) kind = g->bytes;
      }
    } else if (f->number == 2) {
      raw = f->bytes;
    }
  }
  auto o = decode_kind(kind, raw);
  if (!o || r.failed()) return unsupported_media_type("application/vnd.kubernetes.protobuf");
  (*o)["apiVersion"] = api_version;
  (*o)["kind"] = kind;
  return json::value(std::move(*o));
}

}  // namespace kubesim
