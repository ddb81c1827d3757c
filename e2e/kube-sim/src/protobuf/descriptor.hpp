// Message descriptors: for each Kubernetes protobuf message, which field number becomes which JSON
// field and how its value is written. They are facts of the upstream generated.proto files (field
// numbers and JSON names), covering what typed clients (kubectl create, client-go controllers)
// send; fields left out are skipped on decode.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kubesim::protobuf {

enum class Type : std::uint8_t {
  String,
  Bytes,  // base64 in JSON
  Int32,
  Int64,
  Bool,
  Double,
  Message,
  Inline,       // an embedded Go struct: its fields are written into the enclosing object
  MapString,    // map<string, string>
  MapBytes,     // map<string, bytes>: values base64
  MapQuantity,  // map<string, resource.Quantity>
  IntOrString,
  Quantity,
  Time,       // metav1.Time: RFC 3339, seconds
  MicroTime,  // metav1.MicroTime: RFC 3339, microseconds
  FieldsV1,   // metav1.FieldsV1: raw JSON bytes
};

struct Message;
using MessageRef = const Message& (*)();

// The Go types behind gogo-protobuf always write non-pointer scalars, zero or not, while JSON's
// omitempty drops them: zero scalars are left out unless the Go field is a pointer (keep_zero),
// where being on the wire at all means the client set it.
inline constexpr std::uint8_t kRepeated = 1;
inline constexpr std::uint8_t kKeepZero = 2;

struct FieldDesc {
  std::uint32_t number;
  std::string_view json;
  Type type;
  std::uint8_t flags = 0;
  MessageRef message = nullptr;  // Message and Inline

  bool repeated() const { return flags & kRepeated; }
  bool keep_zero() const { return flags & kKeepZero; }
};

struct Message {
  std::string_view name;  // for error messages: "ObjectMeta", "PodSpec"
  std::vector<FieldDesc> fields;

  const FieldDesc* find(std::uint32_t number) const {
    for (const auto& f : fields)
      if (f.number == number) return &f;
    return nullptr;
  }
};

// Shorthands for descriptor tables.
constexpr FieldDesc str(std::uint32_t n, std::string_view j, std::uint8_t fl = 0) {
  return {n, j, Type::String, fl};
}
constexpr FieldDesc strs(std::uint32_t n, std::string_view j) { return {n, j, Type::String, kRepeated}; }
constexpr FieldDesc i32(std::uint32_t n, std::string_view j, std::uint8_t fl = 0) {
  return {n, j, Type::Int32, fl};
}
constexpr FieldDesc i64(std::uint32_t n, std::string_view j, std::uint8_t fl = 0) {
  return {n, j, Type::Int64, fl};
}
constexpr FieldDesc boolean(std::uint32_t n, std::string_view j, std::uint8_t fl = 0) {
  return {n, j, Type::Bool, fl};
}
constexpr FieldDesc msg(std::uint32_t n, std::string_view j, MessageRef m, std::uint8_t fl = 0) {
  return {n, j, Type::Message, fl, m};
}
constexpr FieldDesc msgs(std::uint32_t n, std::string_view j, MessageRef m) {
  return {n, j, Type::Message, kRepeated, m};
}
constexpr FieldDesc inline_msg(std::uint32_t n, MessageRef m) { return {n, "", Type::Inline, 0, m}; }
constexpr FieldDesc of(std::uint32_t n, std::string_view j, Type t, std::uint8_t fl = 0) {
  return {n, j, t, fl};
}

// apimachinery meta/v1 and friends (descriptors_meta.cpp).
const Message& object_meta();
const Message& label_selector();
// core/v1 (descriptors_core.cpp, descriptors_pod.cpp).
const Message& pod_template_spec();
const Message& pod_spec();
const Message& object_reference();
const Message& local_object_reference();
const Message& event_source();

// The top-level kind a protobuf body carries, by apiVersion and kind; nullptr when kube-sim does not
// decode that kind (descriptors_kinds.cpp).
const Message* find_kind(std::string_view api_version, std::string_view kind);

}  // namespace kubesim::protobuf
