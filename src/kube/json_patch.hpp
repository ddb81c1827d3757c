#pragma once
// RFC 6902 JSON Patch bodies, built as values (pure, no I/O). A `test` op is how a patch carries a
// precondition: the API server applies the whole patch or nothing, and a failed `test` is a 422
// Invalid with the object untouched. A rollback is therefore
//   JsonPatch().test("/metadata/resourceVersion", rv).replace("/spec/template", good_template)
// sent with PatchType::Json (kube::Api::patch_json).
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace rollguard::kube {

class JsonPatch {
 public:
  // RFC 6901 pointer from unescaped path segments: "~" -> "~0", "/" -> "~1", each segment prefixed
  // with "/". pointer({"metadata", "annotations", "kubernetes.io/change-cause"}) ==
  // "/metadata/annotations/kubernetes.io~1change-cause"; pointer({}) == "" (the whole document).
  static std::string pointer(std::initializer_list<std::string_view> segments);
  // One segment escaped, for callers that assemble pointers themselves.
  static std::string escape(std::string_view segment);

  // Each op takes a pointer (already escaped, e.g. from pointer()) and returns *this for chaining.
  // A value is anything boost::json::value_from takes: a json::value, a string, a number, a bool.
  template <class T>
  JsonPatch& test(std::string_view path, T&& value) {
    return op("test", path, boost::json::value_from(std::forward<T>(value)));
  }
  template <class T>
  JsonPatch& add(std::string_view path, T&& value) {
    return op("add", path, boost::json::value_from(std::forward<T>(value)));
  }
  template <class T>
  JsonPatch& replace(std::string_view path, T&& value) {
    return op("replace", path, boost::json::value_from(std::forward<T>(value)));
  }
  JsonPatch& remove(std::string_view path);

  bool empty() const { return ops_.empty(); }
  std::size_t size() const { return ops_.size(); }
  const boost::json::array& ops() const { return ops_; }
  // The serialized array, the request body for PatchType::Json.
  std::string body() const;

 private:
  JsonPatch& op(std::string_view name, std::string_view path, std::optional<boost::json::value> value);
  boost::json::array ops_;
};

}  // namespace rollguard::kube
