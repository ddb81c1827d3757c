// The protobuf wire format, both ways, for the few messages kube-sim writes or reads itself
// (gnostic's openapi_v2.Document out, meta.v1.DeleteOptions in). The writer knows the field kinds
// those use (varint, bool, double, length-delimited), writes fields in the order they are added
// (proto3 readers accept any order) and embeds nested messages built in their own writer. The
// reader walks one message's fields and reports malformed input instead of reading past it.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kubesim {

class ProtoWriter {
 public:
  void varint_field(std::uint32_t field, std::uint64_t value) {
    key(field, 0);
    varint(value);
  }
  void bool_field(std::uint32_t field, bool value) { varint_field(field, value ? 1 : 0); }
  void double_field(std::uint32_t field, double value) {
    key(field, 1);
    auto bits = std::bit_cast<std::uint64_t>(value);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  // Strings, bytes and embedded messages alike.
  void bytes_field(std::uint32_t field, std::string_view bytes) {
    key(field, 2);
    varint(bytes.size());
    out_.append(bytes);
  }
  void message_field(std::uint32_t field, const ProtoWriter& message) { bytes_field(field, message.out_); }

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void key(std::uint32_t field, std::uint32_t wire) { varint((std::uint64_t{field} << 3) | wire); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

struct ProtoField {
  std::uint32_t number = 0;
  std::uint32_t wire = 0;
  std::uint64_t varint = 0;  // wire 0; the raw 8 bytes for wire 1
  std::string_view bytes;    // wire 2
};

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}
  // The next field, or nullopt at the end or on malformed input (then failed() is true).
  std::optional<ProtoField> next() {
    if (pos_ >= data_.size() || failed_) return std::nullopt;
    auto key = varint();
    if (!key) return fail();
    ProtoField f;
    f.number = static_cast<std::uint32_t>(*key >> 3);
    f.wire = static_cast<std::uint32_t>(*key & 7);
    if (f.number == 0) return fail();
    switch (f.wire) {
      case 0: {
        auto v = varint();
        if (!v) return fail();
        f.varint = *v;
        break;
      }
      case 1:
      case 5: {
        const std::size_t n = f.wire == 1 ? 8 : 4;
        if (data_.size() - pos_ < n) return fail();
        for (std::size_t i = 0; i < n; ++i)
          f.varint |= std::uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
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
  bool failed() const { return failed_; }

 private:
  std::optional<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      auto b = static_cast<unsigned char>(data_[pos_++]);
      v |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return std::nullopt;
  }
  std::nullopt_t fail() {
    failed_ = true;
    return std::nullopt;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace kubesim
