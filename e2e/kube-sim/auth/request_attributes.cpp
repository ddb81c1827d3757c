#include "auth/request_attributes.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "apimachinery/query_bool.hpp"

namespace kubesim::auth {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A name that is a valid path segment (apimachinery's path.IsValidPathSegmentName).
bool valid_path_segment(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('%') == std::string::npos;
}
}  // namespace

std::string field_selector_name(const std::string& selector) {
  // Terms are comma separated; a backslash escapes the next character inside a value.
  std::vector<std::string> terms;
  std::string current;
  for (std::size_t i = 0; i < selector.size(); ++i) {
    if (selector[i] == '\\' && i + 1 < selector.size()) {
      current += selector.substr(i, 2);
      ++i;
    } else if (selector[i] == ',') {
      terms.push_back(current);
      current.clear();
    } else {
      current += selector[i];
    }
  }
  terms.push_back(current);
  for (const auto& term : terms) {
    std::string value;
    if (term.rfind("metadata.name==", 0) == 0) {
      value = term.substr(15);
    } else if (term.rfind("metadata.name=", 0) == 0) {
      value = term.substr(14);
    } else {
      continue;
    }
    std::string unescaped;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      unescaped += value[i];
    }
    return unescaped;
  }
  return {};
}

RequestAttributes resolve_request(const std::string& method, const std::string& path,
                                  const std::map<std::string, std::string>& query) {
  RequestAttributes a;
  a.path = path;
  a.verb = lower(method);
  auto parts = split_path(path);
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return a;
  const bool legacy = parts[0] == "api";
  parts.erase(parts.begin());
  // /apis/GROUP/VERSION/RESOURCE at least; fewer parts are discovery, a non-resource URL.
  if (!legacy) {
    if (parts.size() < 3) return a;
    a.api_group = parts[0];
    parts.erase(parts.begin());
  }
  if (parts.size() < 2) return a;  // /api and /api/v1: discovery
  a.resource_request = true;
  a.api_version = parts[0];
  parts.erase(parts.begin());

  // The deprecated /watch/ and /proxy/ path prefixes name the verb themselves.
  if (parts[0] == "watch" || parts[0] == "proxy") {
    if (parts.size() < 2) {
      a.resource_request = false;
      a.verb = lower(method);
      return a;
    }
    a.verb = parts[0];
    parts.erase(parts.begin());
  } else if (method == "POST") {
    a.verb = "create";
  } else if (method == "GET" || method == "HEAD") {
    a.verb = "get";
  } else if (method == "PUT") {
    a.verb = "update";
  } else if (method == "PATCH") {
    a.verb = "patch";
  } else if (method == "DELETE") {
    a.verb = "delete";
  } else {
    a.verb = "";
  }

  if (parts[0] == "namespaces") {
    if (parts.size() > 1) {
      a.ns = parts[1];
      // /namespaces/NAME/status and /finalize are the Namespace's own subresources.
      if (parts.size() > 2 && parts[2] != "status" && parts[2] != "finalize")
        parts.erase(parts.begin(), parts.begin() + 2);
    }
  }
  if (parts.size() >= 3 && a.verb != "proxy") a.subresource = parts[2];
  if (parts.size() >= 2) a.name = parts[1];
  a.resource = parts[0];

  if (a.name.empty() && a.verb == "get") {
    auto watch = query.find("watch");
    a.verb =
        watch != query.end() && apimachinery::query_bool(std::string_view(watch->second)) ? "watch" : "list";
    auto selector = query.find("fieldSelector");
    if (selector != query.end()) {
      auto name = field_selector_name(selector->second);
      if (valid_path_segment(name)) a.name = name;
    }
  }
  if (a.name.empty() && a.verb == "delete") a.verb = "deletecollection";
  return a;
}

}  // namespace kubesim::auth
