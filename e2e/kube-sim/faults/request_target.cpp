#include "faults/request_target.hpp"

#include <vector>

#include "faults/fault_injector.hpp"

namespace kubesim::faults {

namespace {
std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}
}  // namespace

RequestTarget describe_request(const std::string& method, const std::string& path,
                               const std::map<std::string, std::string>& query) {
  RequestTarget target;
  const auto parts = split(path);
  std::size_t first = 0;  // index of the first segment after the group/version
  if (parts.size() >= 3 && parts[0] == "api") {
    first = 2;
  } else if (parts.size() >= 4 && parts[0] == "apis") {
    first = 3;
  } else {
    return target;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(first), parts.end());
  // /namespaces/NS/RESOURCE/..., but /namespaces/NS and /namespaces/NS/status address Namespaces.
  const bool namespace_subresource = rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize");
  if (rest.size() >= 3 && rest[0] == "namespaces" && !namespace_subresource)
    rest.erase(rest.begin(), rest.begin() + 2);
  if (rest.empty() || rest.size() > 3) return target;
  const auto watch = query.find("watch");
  const bool is_watch = watch != query.end() && (watch->second == "true" || watch->second == "1");
  target.is_resource = true;
  target.resource = rest[0];
  target.verb = classify_verb(method == "HEAD" ? "GET" : method, rest.size() >= 2, is_watch);
  return target;
}

}  // namespace kubesim::faults
