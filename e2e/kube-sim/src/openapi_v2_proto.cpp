// gnostic's openapi_v2.Document on the wire. Field numbers are those of gnostic-models
// openapiv2/OpenAPIv2.proto; only the messages the API server's document uses are written.
#include <cstdint>
#include <string_view>

#include "openapi_v2.hpp"
#include "proto_wire.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {

void put_string(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) w.bytes_field(field, v->get_string());
}
void put_bool(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_bool() && v->get_bool()) w.bool_field(field, true);
}
void put_int(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return;
  if (v->is_int64()) w.varint_field(field, static_cast<std::uint64_t>(v->get_int64()));
  if (v->is_uint64()) w.varint_field(field, v->get_uint64());
}
void put_double(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v != nullptr && v->is_number()) w.double_field(field, v->to_number<double>());
}
void put_strings(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->get_array())
      if (s.is_string()) w.bytes_field(field, s.get_string());
}

// Any { yaml = 2 }: JSON text is YAML, and what kube-openapi reads vendor extensions from.
ProtoWriter any(const json::value& v) {
  ProtoWriter w;
  w.bytes_field(2, json::serialize(v) + "\n");
  return w;
}
void put_any(ProtoWriter& w, std::uint32_t field, const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key)) w.message_field(field, any(*v));
}
// repeated NamedAny { name = 1; value = 2 } of every x- key.
void put_extensions(ProtoWriter& w, std::uint32_t field, const json::object& o) {
  for (const auto& [k, v] : o) {
    if (!k.starts_with("x-")) continue;
    ProtoWriter named;
    named.bytes_field(1, k);
    named.message_field(2, any(v));
    w.message_field(field, named);
  }
}

ProtoWriter schema(const json::object& s);

void put_schema(ProtoWriter& w, std::uint32_t field, const json::value& v) {
  if (v.is_object()) w.message_field(field, schema(v.get_object()));
}

ProtoWriter schema(const json::object& s) {
  ProtoWriter w;
  put_string(w, 1, s, "$ref");
  put_string(w, 2, s, "format");
  put_string(w, 3, s, "title");
  put_string(w, 4, s, "description");
  put_any(w, 5, s, "default");
  put_double(w, 6, s, "multipleOf");
  put_double(w, 7, s, "maximum");
  put_bool(w, 8, s, "exclusiveMaximum");
  put_double(w, 9, s, "minimum");
  put_bool(w, 10, s, "exclusiveMinimum");
  put_int(w, 11, s, "maxLength");
  put_int(w, 12, s, "minLength");
  put_string(w, 13, s, "pattern");
  put_int(w, 14, s, "maxItems");
  put_int(w, 15, s, "minItems");
  put_bool(w, 16, s, "uniqueItems");
  put_int(w, 17, s, "maxProperties");
  put_int(w, 18, s, "minProperties");
  put_strings(w, 19, s, "required");
  if (const auto* e = s.if_contains("enum"); e && e->is_array())
    for (const auto& v : e->get_array()) w.message_field(20, any(v));
  if (const auto* ap = s.if_contains("additionalProperties")) {
    // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
    ProtoWriter item;
    if (ap->is_bool()) item.bool_field(2, ap->get_bool());
    if (ap->is_object()) put_schema(item, 1, *ap);
    w.message_field(21, item);
  }
  if (const auto* t = s.if_contains("type")) {
    ProtoWriter type;  // TypeItem { repeated string value = 1 }
    if (t->is_string()) type.bytes_field(1, t->get_string());
    if (t->is_array())
      for (const auto& v : t->get_array())
        if (v.is_string()) type.bytes_field(1, v.get_string());
    w.message_field(22, type);
  }
  if (const auto* items = s.if_contains("items")) {
    ProtoWriter item;  // ItemsItem { repeated Schema schema = 1 }
    if (items->is_array()) {
      for (const auto& v : items->get_array()) put_schema(item, 1, v);
    } else {
      put_schema(item, 1, *items);
    }
    w.message_field(23, item);
  }
  if (const auto* all = s.if_contains("allOf"); all && all->is_array())
    for (const auto& v : all->get_array()) put_schema(w, 24, v);
  if (const auto* props = s.if_contains("properties"); props && props->is_object()) {
    // Properties { repeated NamedSchema additional_properties = 1 }; present even when empty,
    // as kube-openapi tells an object with no fields from a map by it.
    ProtoWriter p;
    for (const auto& [name, v] : props->get_object()) {
      ProtoWriter named;
      named.bytes_field(1, name);
      put_schema(named, 2, v);
      p.message_field(1, named);
    }
    w.message_field(25, p);
  }
  put_string(w, 26, s, "discriminator");
  put_bool(w, 27, s, "readOnly");
  put_any(w, 30, s, "example");
  put_extensions(w, 31, s);
  return w;
}

// Parameter in a ParametersItem: a BodyParameter, or a query/path NonBodyParameter.
ProtoWriter parameter_item(const json::object& p) {
  ProtoWriter param;
  const auto* in = p.if_contains("in");
  std::string_view where = in && in->is_string() ? std::string_view(in->get_string()) : "";
  if (where == "body") {
    ProtoWriter body;
    put_string(body, 1, p, "description");
    put_string(body, 2, p, "name");
    put_string(body, 3, p, "in");
    put_bool(body, 4, p, "required");
    if (const auto* s = p.if_contains("schema")) put_schema(body, 5, *s);
    put_extensions(body, 6, p);
    param.message_field(1, body);
  } else if (where == "query" || where == "path") {
    // QueryParameterSubSchema has allow_empty_value = 5 where PathParameterSubSchema has none, so
    // the fields after `name` are one number apart.
    const bool query = where == "query";
    const std::uint32_t shift = query ? 1 : 0;
    ProtoWriter sub;
    put_bool(sub, 1, p, "required");
    put_string(sub, 2, p, "in");
    put_string(sub, 3, p, "description");
    put_string(sub, 4, p, "name");
    put_string(sub, 5 + shift, p, "type");
    put_string(sub, 6 + shift, p, "format");
    put_bool(sub, 19 + shift, p, "uniqueItems");
    put_extensions(sub, 22 + shift, p);
    ProtoWriter non_body;
    non_body.message_field(query ? 3 : 4, sub);
    param.message_field(2, non_body);
  } else {
    return ProtoWriter{};
  }
  ProtoWriter item;
  item.message_field(1, param);
  return item;
}

void put_parameters(ProtoWriter& w, std::uint32_t field, const json::object& o) {
  if (const auto* ps = o.if_contains("parameters"); ps && ps->is_array())
    for (const auto& p : ps->get_array())
      if (p.is_object())
        if (auto item = parameter_item(p.get_object()); !item.bytes().empty()) w.message_field(field, item);
}

ProtoWriter operation(const json::object& op) {
  ProtoWriter w;
  put_strings(w, 1, op, "tags");
  put_string(w, 2, op, "summary");
  put_string(w, 3, op, "description");
  put_string(w, 5, op, "operationId");
  put_strings(w, 6, op, "produces");
  put_strings(w, 7, op, "consumes");
  put_parameters(w, 8, op);
  if (const auto* rs = op.if_contains("responses"); rs && rs->is_object()) {
    ProtoWriter responses;  // Responses { repeated NamedResponseValue response_code = 1 }
    for (const auto& [code, r] : rs->get_object()) {
      if (!r.is_object()) continue;
      ProtoWriter response;
      put_string(response, 1, r.get_object(), "description");
      if (const auto* s = r.get_object().if_contains("schema"); s && s->is_object()) {
        ProtoWriter item;  // SchemaItem { Schema schema = 1 }
        put_schema(item, 1, *s);
        response.message_field(2, item);
      }
      ProtoWriter value;  // ResponseValue { Response response = 1 }
      value.message_field(1, response);
      ProtoWriter named;
      named.bytes_field(1, code);
      named.message_field(2, value);
      responses.message_field(1, named);
    }
    w.message_field(9, responses);
  }
  put_bool(w, 11, op, "deprecated");
  put_extensions(w, 13, op);
  return w;
}

ProtoWriter path_item(const json::object& item) {
  ProtoWriter w;
  put_string(w, 1, item, "$ref");
  constexpr std::pair<std::uint32_t, std::string_view> methods[] = {
      {2, "get"}, {3, "put"}, {4, "post"}, {5, "delete"}, {6, "options"}, {7, "head"}, {8, "patch"}};
  for (const auto& [field, method] : methods)
    if (const auto* op = item.if_contains(method); op && op->is_object())
      w.message_field(field, operation(op->get_object()));
  put_parameters(w, 9, item);
  put_extensions(w, 10, item);
  return w;
}

}  // namespace

std::string encode_openapi_v2_protobuf(const json::object& doc) {
  ProtoWriter w;
  put_string(w, 1, doc, "swagger");
  if (const auto* info = doc.if_contains("info"); info && info->is_object()) {
    ProtoWriter i;
    put_string(i, 1, info->get_object(), "title");
    put_string(i, 2, info->get_object(), "version");
    put_string(i, 3, info->get_object(), "description");
    w.message_field(2, i);
  }
  put_string(w, 3, doc, "host");
  put_string(w, 4, doc, "basePath");
  put_strings(w, 5, doc, "schemes");
  put_strings(w, 6, doc, "consumes");
  put_strings(w, 7, doc, "produces");
  if (const auto* paths = doc.if_contains("paths"); paths && paths->is_object()) {
    ProtoWriter p;  // Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2 }
    put_extensions(p, 1, paths->get_object());
    for (const auto& [path, item] : paths->get_object()) {
      if (!item.is_object() || path.starts_with("x-")) continue;
      ProtoWriter named;
      named.bytes_field(1, path);
      named.message_field(2, path_item(item.get_object()));
      p.message_field(2, named);
    }
    w.message_field(8, p);
  }
  if (const auto* defs = doc.if_contains("definitions"); defs && defs->is_object()) {
    ProtoWriter d;  // Definitions { repeated NamedSchema additional_properties = 1 }
    for (const auto& [name, s] : defs->get_object()) {
      ProtoWriter named;
      named.bytes_field(1, name);
      put_schema(named, 2, s);
      d.message_field(1, named);
    }
    w.message_field(9, d);
  }
  put_extensions(w, 16, doc);
  return w.take();
}

}  // namespace kubesim
