#pragma once
// The kubectl JSONPath subset used by CRD additionalPrinterColumns and `kubectl wait --for=jsonpath`:
// `.a.b`, `.a[0]`, `.a[-1]`, `.a[0:2]`, `.a[*].b`, `.*`, `..name`, `.a[?(@.type=="Ready")].status`,
// `['key.with.dots']`. An optional surrounding `{...}` and leading `$` are accepted.
#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "apimachinery/status.hpp"

namespace kubesim::apimachinery {

class JsonPath {
 public:
  struct Step;  // defined in jsonpath.cpp
  JsonPath();
  ~JsonPath();
  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;
  JsonPath(const JsonPath&);
  JsonPath& operator=(const JsonPath&);

  // Every value the path selects, in document order (empty when nothing matches).
  std::vector<boost::json::value> evaluate(const boost::json::value& root) const;

  std::vector<Step>& steps();
  const std::vector<Step>& steps() const;

 private:
  std::unique_ptr<std::vector<Step>> steps_;
};

// Syntax errors are a 400 BadRequest naming the offending position.
Result<JsonPath> parse_jsonpath(std::string_view expression);

// A table cell as kubectl prints it: strings raw, numbers and bools as JSON, objects/arrays as
// compact JSON, null as "<none>"-free empty string; several values joined with ",".
std::string render_cell(const boost::json::value& value);
std::string render_cells(const std::vector<boost::json::value>& values);

}  // namespace kubesim::apimachinery
