#include "api_client.hpp"

#include <spdlog/spdlog.h>

namespace kubesim::cluster {
namespace json = boost::json;

std::string resource_path(const std::string& group, const std::string& resource, const std::string& ns,
                          const std::string& name, const std::string& subresource) {
  std::string p = group.empty() ? "/api/v1" : "/apis/" + group + "/v1";
  if (!ns.empty()) p += "/namespaces/" + ns;
  p += "/" + resource;
  if (!name.empty()) p += "/" + name;
  if (!subresource.empty()) p += "/" + subresource;
  return p;
}

ApiReply ApiClient::send(const std::string& method, const std::string& path, const std::string& body,
                         const std::string& content_type) {
  HttpRequest req;
  req.method = method;
  req.path = path;
  req.accept = "application/json";
  req.content_type = content_type;
  if (!token_.empty()) req.authorization = "Bearer " + token_;
  req.user_agent = "kube-sim-controller-manager";
  req.body = body;
  if (method != "DELETE") req.query["fieldManager"] = "kube-controller-manager";
  HttpResponse resp = api_.handle(req);
  ApiReply reply{resp.status, {}};
  boost::system::error_code ec;
  if (!resp.body.empty()) reply.body = json::parse(resp.body, ec);
  if (!reply.ok() && resp.status != 404 && resp.status != 409)
    spdlog::warn("cluster: {} {} -> {} {}", method, path, resp.status, resp.body.substr(0, 300));
  return reply;
}

ApiReply ApiClient::create(const std::string& collection_path, const json::object& object) {
  return send("POST", collection_path, json::serialize(object), "application/json");
}

ApiReply ApiClient::merge_patch(const std::string& path, const json::object& patch) {
  return send("PATCH", path, json::serialize(patch), "application/merge-patch+json");
}

ApiReply ApiClient::remove(const std::string& path, const std::string& propagation) {
  json::object opts{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", propagation}};
  return send("DELETE", path, json::serialize(opts), "application/json");
}

}  // namespace kubesim::cluster
