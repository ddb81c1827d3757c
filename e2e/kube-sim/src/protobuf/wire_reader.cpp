#include "protobuf/wire_reader.hpp"

namespace kubesim::protobuf {

std::optional<std::uint64_t> WireReader::varint() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return std::nullopt;
    auto b = static_cast<unsigned char>(data_[pos_++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  return std::nullopt;
}

std::optional<Field> WireReader::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why) + " at byte " + std::to_string(pos_);
  pos_ = data_.size();
  return std::nullopt;
}

std::optional<Field> WireReader::next() {
  if (pos_ >= data_.size() || !error_.empty()) return std::nullopt;
  auto key = varint();
  if (!key) return fail("truncated field key");
  Field f;
  if ((*key >> 3) == 0 || (*key >> 3) > 0x1fffffff) return fail("invalid field number");
  f.number = static_cast<std::uint32_t>(*key >> 3);
  const auto wire = static_cast<std::uint32_t>(*key & 7);
  switch (wire) {
    case 0: {
      auto v = varint();
      if (!v) return fail("truncated varint in field " + std::to_string(f.number));
      f.wire = Wire::Varint;
      f.varint = *v;
      break;
    }
    case 1:
    case 5: {
      const std::size_t n = wire == 1 ? 8 : 4;
      if (data_.size() - pos_ < n)
        return fail("truncated fixed-width value in field " + std::to_string(f.number));
      std::uint64_t v = 0;
      for (std::size_t i = 0; i < n; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
      pos_ += n;
      f.wire = wire == 1 ? Wire::Fixed64 : Wire::Fixed32;
      f.varint = v;
      break;
    }
    case 2: {
      auto len = varint();
      if (!len || *len > data_.size() - pos_)
        return fail("length of field " + std::to_string(f.number) + " runs past the end of the data");
      f.wire = Wire::Bytes;
      f.bytes = data_.substr(pos_, static_cast<std::size_t>(*len));
      pos_ += static_cast<std::size_t>(*len);
      break;
    }
    default:
      // Groups (3, 4) are not used by any Kubernetes type; 6 and 7 do not exist.
      return fail("unsupported wire type " + std::to_string(wire) + " in field " + std::to_string(f.number));
  }
  return f;
}

}  // namespace kubesim::protobuf
