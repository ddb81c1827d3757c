// Transport-neutral request/response values: the API layer never sees Beast, so every handler can
// be exercised without a socket, and the network layer stays a thin adapter.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apimachinery/query_bool.hpp"

namespace kubesim {

class WatchStream;

struct HttpRequest {
  std::string method;
  std::string path;                          // percent-decoded path, no query
  std::map<std::string, std::string> query;  // decoded; the first of a repeated key
  std::string accept;
  std::string content_type;
  std::string authorization;
  std::string user_agent;
  std::string if_none_match;
  std::string body;

  std::string param(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
  bool has_param(const std::string& key) const { return query.count(key) != 0; }
  // A boolean parameter as the API server reads it (apimachinery/query_bool.hpp).
  bool bool_param(const std::string& key) const {
    auto it = query.find(key);
    return kubesim::apimachinery::query_bool(it == query.end() ? std::nullopt
                                                               : std::optional<std::string_view>(it->second));
  }
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the response is a chunked watch stream; `body` is unused.
  std::shared_ptr<WatchStream> watch;
};

}  // namespace kubesim
