#include "protobuf/converter.hpp"

#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "protobuf/wire_reader.hpp"

namespace kubesim::protobuf {
namespace json = boost::json;

namespace {
// Nesting of the descriptors is bounded; this only stops a descriptor cycle added by mistake.
constexpr int kMaxDepth = 64;

std::string base64(std::string_view s) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((s.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16 | static_cast<unsigned char>(s[i + 1]) << 8 |
                       static_cast<unsigned char>(s[i + 2]);
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
  }
  if (i + 1 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == s.size()) {
    const unsigned v = static_cast<unsigned char>(s[i]) << 16 | static_cast<unsigned char>(s[i + 1]) << 8;
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
  }
  return out;
}

// JSON text must be UTF-8; Go's encoder would replace bad bytes, a clear refusal is more useful.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c >= 0x80) {
      if ((c & 0xe0) == 0xc0)
        n = 1;
      else if ((c & 0xf0) == 0xe0)
        n = 2;
      else if ((c & 0xf8) == 0xf0)
        n = 3;
      else
        return false;
    }
    if (n > s.size() - i - 1) return false;
    for (std::size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

const char* wire_name(Wire w) {
  switch (w) {
    case Wire::Varint:
      return "varint";
    case Wire::Fixed64:
      return "fixed64";
    case Wire::Bytes:
      return "length-delimited";
    case Wire::Fixed32:
      return "fixed32";
  }
  return "unknown";
}

Wire expected_wire(Type t) {
  switch (t) {
    case Type::Int32:
    case Type::Int64:
    case Type::Bool:
      return Wire::Varint;
    case Type::Double:
      return Wire::Fixed64;
    default:
      return Wire::Bytes;
  }
}

class Converter {
 public:
  explicit Converter(std::string& error) : error_(error) {}

  std::optional<json::object> message(const Message& m, std::string_view data, const std::string& path,
                                      int depth) {
    if (depth > kMaxDepth) return fail(path, "message nested too deeply");
    json::object out;
    WireReader r(data);
    while (auto f = r.next()) {
      const FieldDesc* d = m.find(f->number);
      if (!d) continue;  // a field kube-sim does not model: skipped, as an older server would
      if (!field(*d, *f, out, path, depth)) return std::nullopt;
    }
    if (!r.error().empty()) return fail(path, r.error());
    return out;
  }

 private:
  std::nullopt_t fail(const std::string& path, const std::string& why) {
    if (error_.empty()) error_ = path + ": " + why;
    return std::nullopt;
  }

  // Sets or appends one decoded value.
  static void put(json::object& out, const FieldDesc& d, json::value v) {
    if (d.repeated()) {
      auto& slot = out[d.json];
      if (!slot.is_array()) slot = json::array{};
      slot.as_array().push_back(std::move(v));
    } else {
      out[d.json] = std::move(v);
    }
  }

  bool scalar(const FieldDesc& d, std::uint64_t raw, json::object& out) {
    json::value v;
    bool zero = raw == 0;
    switch (d.type) {
      case Type::Int32:
        v = static_cast<std::int64_t>(static_cast<std::int32_t>(static_cast<std::uint32_t>(raw)));
        break;
      case Type::Int64:
        v = static_cast<std::int64_t>(raw);
        break;
      case Type::Bool:
        v = raw != 0;
        break;
      default: {
        double x;
        static_assert(sizeof x == sizeof raw);
        std::memcpy(&x, &raw, sizeof x);
        v = x;
        zero = x == 0;
        break;
      }
    }
    if (zero && !d.keep_zero() && !d.repeated()) return true;
    put(out, d, std::move(v));
    return true;
  }

  std::optional<json::object> sub(const Message& m, std::string_view data, const std::string& path,
                                  int depth) {
    return message(m, data, path, depth + 1);
  }

  // {1: key, 2: value} entries of a map field.
  bool map_entry(const FieldDesc& d, std::string_view entry, json::object& out, const std::string& path) {
    WireReader r(entry);
    std::string_view key, value;
    while (auto f = r.next()) {
      if (f->wire != Wire::Bytes) continue;
      if (f->number == 1) key = f->bytes;
      if (f->number == 2) value = f->bytes;
    }
    if (!r.error().empty()) return fail(path, r.error()), false;
    if (!valid_utf8(key)) return fail(path, "map key is not valid UTF-8"), false;
    auto& slot = out[d.json];
    if (!slot.is_object()) slot = json::object{};
    json::value v;
    if (d.type == Type::MapBytes) {
      v = base64(value);
    } else if (d.type == Type::MapQuantity) {
      auto q = quantity(value, path + "[" + std::string(key) + "]");
      if (!q) return false;
      v = std::move(*q);
    } else {
      if (!valid_utf8(value))
        return fail(path + "[" + std::string(key) + "]", "string is not valid UTF-8"), false;
      v = json::string(value);
    }
    slot.as_object()[key] = std::move(v);
    return true;
  }

  std::optional<json::value> quantity(std::string_view data, const std::string& path) {
    WireReader r(data);
    std::string_view s;
    while (auto f = r.next())
      if (f->number == 1 && f->wire == Wire::Bytes) s = f->bytes;
    if (!r.error().empty()) return fail(path, r.error());
    if (!valid_utf8(s)) return fail(path, "quantity is not valid UTF-8");
    return json::value(json::string(s));
  }

  std::optional<json::value> int_or_string(std::string_view data, const std::string& path) {
    WireReader r(data);
    std::uint64_t type = 0;
    std::int64_t int_val = 0;
    std::string_view str_val;
    while (auto f = r.next()) {
      if (f->number == 1 && f->wire == Wire::Varint) type = f->varint;
      if (f->number == 2 && f->wire == Wire::Varint)
        int_val = static_cast<std::int32_t>(static_cast<std::uint32_t>(f->varint));
      if (f->number == 3 && f->wire == Wire::Bytes) str_val = f->bytes;
    }
    if (!r.error().empty()) return fail(path, r.error());
    if (type == 1) {
      if (!valid_utf8(str_val)) return fail(path, "string is not valid UTF-8");
      return json::value(json::string(str_val));
    }
    return json::value(int_val);
  }

  // metav1.Time / MicroTime: {1: seconds, 2: nanos}; the zero time is left out (JSON null).
  std::optional<json::value> time(std::string_view data, bool micro, const std::string& path) {
    WireReader r(data);
    std::int64_t seconds = 0;
    std::int64_t nanos = 0;
    while (auto f = r.next()) {
      if (f->number == 1 && f->wire == Wire::Varint) seconds = static_cast<std::int64_t>(f->varint);
      if (f->number == 2 && f->wire == Wire::Varint)
        nanos = static_cast<std::int32_t>(static_cast<std::uint32_t>(f->varint));
    }
    if (!r.error().empty()) return fail(path, r.error());
    if (seconds == 0 && nanos == 0) return json::value(nullptr);
    // Year 1 to 9999, as RFC 3339 requires.
    if (seconds < -62135596800LL || seconds > 253402300799LL || nanos < 0 || nanos > 999999999)
      return fail(path, "time out of range");
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    if (micro)
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(nanos / 1000));
    else
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return json::value(json::string(buf));
  }

  std::optional<json::value> fields_v1(std::string_view data, const std::string& path) {
    WireReader r(data);
    std::string_view raw;
    while (auto f = r.next())
      if (f->number == 1 && f->wire == Wire::Bytes) raw = f->bytes;
    if (!r.error().empty()) return fail(path, r.error());
    if (raw.empty()) return json::value(json::object{});
    json::error_code ec;
    json::value v = json::parse(raw, ec);
    if (ec) return fail(path, "fieldsV1 is not JSON: " + ec.message());
    return v;
  }

  bool field(const FieldDesc& d, const Field& f, json::object& out, const std::string& parent, int depth) {
    std::string path = parent + "." + (d.json.empty() ? std::string("<inline>") : std::string(d.json));
    if (d.repeated() && out.contains(d.json) && out.at(d.json).is_array())
      path += "[" + std::to_string(out.at(d.json).as_array().size()) + "]";
    const Wire want = expected_wire(d.type);
    // Repeated numbers may come packed in one length-delimited field.
    if (d.repeated() && want == Wire::Varint && f.wire == Wire::Bytes) {
      std::string_view rest = f.bytes;
      while (!rest.empty()) {
        std::uint64_t v = 0;
        std::size_t i = 0;
        int shift = 0;
        for (; i < rest.size() && shift < 64; ++i, shift += 7) {
          v |= static_cast<std::uint64_t>(static_cast<unsigned char>(rest[i]) & 0x7f) << shift;
          if (!(static_cast<unsigned char>(rest[i]) & 0x80)) break;
        }
        if (i >= rest.size()) return fail(path, "truncated packed varint"), false;
        scalar(d, v, out);
        rest.remove_prefix(i + 1);
      }
      return true;
    }
    if (f.wire != want)
      return fail(path, std::string("wire type ") + wire_name(f.wire) + " where " + wire_name(want) +
                            " was expected (field " + std::to_string(f.number) + ")"),
             false;
    switch (d.type) {
      case Type::Int32:
      case Type::Int64:
      case Type::Bool:
      case Type::Double:
        return scalar(d, f.varint, out);
      case Type::String:
        if (!valid_utf8(f.bytes)) return fail(path, "string is not valid UTF-8"), false;
        if (f.bytes.empty() && !d.keep_zero() && !d.repeated()) return true;
        put(out, d, json::string(f.bytes));
        return true;
      case Type::Bytes:
        if (f.bytes.empty() && !d.keep_zero() && !d.repeated()) return true;
        put(out, d, json::string(base64(f.bytes)));
        return true;
      case Type::Message: {
        auto o = sub(d.message(), f.bytes, path, depth);
        if (!o) return false;
        put(out, d, std::move(*o));
        return true;
      }
      case Type::Inline: {
        auto o = sub(d.message(), f.bytes, parent, depth);
        if (!o) return false;
        for (auto& kv : *o) out[kv.key()] = std::move(kv.value());
        return true;
      }
      case Type::MapString:
      case Type::MapBytes:
      case Type::MapQuantity:
        return map_entry(d, f.bytes, out, path);
      case Type::IntOrString: {
        auto v = int_or_string(f.bytes, path);
        if (!v) return false;
        put(out, d, std::move(*v));
        return true;
      }
      case Type::Quantity: {
        auto v = quantity(f.bytes, path);
        if (!v) return false;
        put(out, d, std::move(*v));
        return true;
      }
      case Type::Time:
      case Type::MicroTime: {
        auto v = time(f.bytes, d.type == Type::MicroTime, path);
        if (!v) return false;
        if (!v->is_null()) put(out, d, std::move(*v));
        return true;
      }
      case Type::FieldsV1: {
        auto v = fields_v1(f.bytes, path);
        if (!v) return false;
        put(out, d, std::move(*v));
        return true;
      }
    }
    return true;
  }

  std::string& error_;
};
}  // namespace

std::optional<json::object> to_json(const Message& message, std::string_view data, std::string& error) {
  error.clear();
  Converter c(error);
  return c.message(message, data, std::string(message.name), 0);
}

}  // namespace kubesim::protobuf
