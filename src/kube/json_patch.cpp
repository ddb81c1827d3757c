#include "kube/json_patch.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rollguard::kube {

std::string JsonPatch::escape(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    // Character by character, so a literal "~1" in a key becomes "~01" and decodes back to "~1".
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JsonPatch::pointer(std::initializer_list<std::string_view> segments) {
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += escape(segment);
  }
  return out;
}

JsonPatch& JsonPatch::op(std::string_view name, std::string_view path,
                         std::optional<boost::json::value> value) {
  boost::json::object o;
  o["op"] = name;
  o["path"] = path;
  if (value) o["value"] = std::move(*value);
  ops_.push_back(std::move(o));
  return *this;
}

JsonPatch& JsonPatch::remove(std::string_view path) { return op("remove", path, std::nullopt); }

std::string JsonPatch::body() const { return boost::json::serialize(ops_); }

}  // namespace rollguard::kube
