// The controllers' client of the in-process ApiServer: every write is an HttpRequest handed to
// ApiServer::handle, so it gets uid, resourceVersion, generation, admission and watch events exactly
// like a write from kubectl. Reads come from the store directly, as a real controller reads from its
// informer cache.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "api_server.hpp"

namespace kubesim::cluster {

struct ApiReply {
  unsigned status = 0;
  boost::json::value body;
  bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
 public:
  ApiClient(ApiServer& api, std::string token) : api_(api), token_(std::move(token)) {}

  ApiReply create(const std::string& collection_path, const boost::json::object& object);
  ApiReply merge_patch(const std::string& path, const boost::json::object& patch);
  ApiReply remove(const std::string& path, const std::string& propagation = "Background");

  ObjectPtr get(const ObjectKey& key) const { return api_.store().get(key); }
  std::vector<std::pair<ObjectKey, ObjectPtr>> list(const std::string& group, const std::string& resource,
                                                    const std::string& ns) const {
    return api_.store().list(group, resource, ns);
  }

 private:
  ApiReply send(const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type);
  ApiServer& api_;
  std::string token_;
};

// REST paths: /api/v1/namespaces/NS/pods[/NAME[/SUB]] and /apis/GROUP/v1/namespaces/NS/...
std::string resource_path(const std::string& group, const std::string& resource, const std::string& ns,
                          const std::string& name = {}, const std::string& subresource = {});

}  // namespace kubesim::cluster
