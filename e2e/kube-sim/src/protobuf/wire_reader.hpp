// A bounds-checked reader of the protobuf wire format: one field (number, wire type, value) at a
// time. It never reads past its input; the first malformed byte stops it with a message that says
// what was wrong and where.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kubesim::protobuf {

enum class Wire : std::uint32_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

struct Field {
  std::uint32_t number = 0;
  Wire wire = Wire::Varint;
  std::uint64_t varint = 0;  // Varint, Fixed64 and Fixed32 values
  std::string_view bytes;    // Bytes (length-delimited) values
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  // The next field, or nullopt at the end of the input or on the first error (see error()).
  std::optional<Field> next();
  // Empty while the input is well formed.
  const std::string& error() const { return error_; }
  std::size_t offset() const { return pos_; }

 private:
  std::optional<std::uint64_t> varint();
  std::optional<Field> fail(std::string why);

  std::string_view data_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace kubesim::protobuf
