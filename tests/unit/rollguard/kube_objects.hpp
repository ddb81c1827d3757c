#pragma once
// Deployment, ReplicaSet and Pod objects as the API server (and kube-sim) write them, for the
// observation and deployment SLO tests.
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <string>

namespace rollguard::testing {

inline boost::json::object pod_template(const std::string& image, const std::string& pod_hash = "") {
  boost::json::object labels{{"app", "api"}};
  if (!pod_hash.empty()) labels["pod-template-hash"] = pod_hash;
  return boost::json::object{
      {"metadata", boost::json::object{{"labels", labels}}},
      {"spec", boost::json::parse(R"({"containers":[{"name":"app","image":")" + image + R"("}]})")}};
}

inline boost::json::object replica_set(const std::string& name, int revision, const std::string& image,
                                       const std::string& pod_hash, int replicas, int available,
                                       const std::string& owner_uid = "d-uid") {
  boost::json::object rs = boost::json::parse(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"api","controller":true}]}})")
                               .as_object();
  auto& meta = rs["metadata"].as_object();
  meta["name"] = name;
  meta["namespace"] = "prod";
  meta["ownerReferences"].as_array()[0].as_object()["uid"] = owner_uid;
  meta["labels"] = boost::json::object{{"app", "api"}, {"pod-template-hash", pod_hash}};
  meta["annotations"] = boost::json::object{{"deployment.kubernetes.io/revision", std::to_string(revision)}};
  rs["spec"] = boost::json::object{{"replicas", replicas}, {"template", pod_template(image, pod_hash)}};
  rs["status"] = boost::json::object{
      {"replicas", replicas}, {"readyReplicas", available}, {"availableReplicas", available}};
  return rs;
}

// A Deployment at `revision`, `replicas` desired; status counts as given.
inline boost::json::object deployment(int revision, int replicas, int updated, int available,
                                      const std::string& image = "") {
  boost::json::object d = boost::json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"api","namespace":"prod","uid":"d-uid","resourceVersion":"100","generation":5}})")
                              .as_object();
  d["metadata"].as_object()["annotations"] =
      boost::json::object{{"deployment.kubernetes.io/revision", std::to_string(revision)}};
  d["spec"] = boost::json::object{{"replicas", replicas}, {"progressDeadlineSeconds", 120}};
  if (!image.empty()) d["spec"].as_object()["template"] = pod_template(image);
  d["status"] = boost::json::object{{"observedGeneration", 5},
                                    {"replicas", replicas},
                                    {"updatedReplicas", updated},
                                    {"readyReplicas", available},
                                    {"availableReplicas", available}};
  return d;
}

inline void add_condition(boost::json::object& d, const char* type, const char* status, const char* reason,
                          const char* message) {
  auto& st = d["status"].as_object();
  if (!st.contains("conditions")) st["conditions"] = boost::json::array{};
  st["conditions"].as_array().push_back(
      boost::json::object{{"type", type}, {"status", status}, {"reason", reason}, {"message", message}});
}

inline boost::json::object pod(const std::string& name, const std::string& rs, const std::string& pod_hash,
                               bool ready, int restarts, const std::string& ip = "10.0.0.1") {
  boost::json::object p = boost::json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","controller":true}]}})")
                              .as_object();
  auto& meta = p["metadata"].as_object();
  meta["name"] = name;
  meta["ownerReferences"].as_array()[0].as_object()["name"] = rs;
  meta["labels"] = boost::json::object{{"app", "api"}, {"pod-template-hash", pod_hash}};
  boost::json::object container{{"name", "app"}, {"ready", ready}, {"restartCount", restarts}};
  if (restarts > 0) {
    container["state"] =
        boost::json::object{{"waiting", boost::json::object{{"reason", "CrashLoopBackOff"}}}};
  }
  p["status"] = boost::json::object{
      {"podIP", ip},
      {"conditions",
       boost::json::array{boost::json::object{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}},
      {"containerStatuses", boost::json::array{container}}};
  return p;
}

}  // namespace rollguard::testing
