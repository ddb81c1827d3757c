#pragma once
// A kube-sim state file (the format of Store::snapshot()) for a large cluster: Namespaces, realistic
// Deployments (deployment_list_fixture.hpp) and, per Deployment, the ReplicaSets its rollouts left
// behind, shaped as kube-controller-manager writes them (owner reference, pod-template-hash label
// and selector, revision annotations, the full pod template, status).
#include <boost/json.hpp>
#include <string>

#include "deployment_list_fixture.hpp"

namespace rollguard::bench {

inline boost::json::object make_replicaset(const boost::json::object& deployment, const std::string& hash,
                                           int revision, bool current) {
  namespace json = boost::json;
  const auto& dmeta = deployment.at("metadata").as_object();
  const std::string dname(dmeta.at("name").as_string());
  const std::string owner_uid(dmeta.at("uid").as_string());
  const int replicas = current ? 3 : 0;

  json::object spec_template = deployment.at("spec").at("template").as_object();
  spec_template["metadata"].as_object()["labels"].as_object()["pod-template-hash"] = hash;
  json::object match_labels = deployment.at("spec").at("selector").at("matchLabels").as_object();
  match_labels["pod-template-hash"] = hash;
  json::object labels = spec_template.at("metadata").at("labels").as_object();

  json::object status{{"replicas", replicas}, {"observedGeneration", 2}};
  if (current) {
    status["fullyLabeledReplicas"] = replicas;
    status["readyReplicas"] = replicas;
    status["availableReplicas"] = replicas;
  }
  const std::string time = "2026-10-" + std::to_string(10 + revision) + "T12:00:00Z";
  return json::object{
      {"kind", "ReplicaSet"},
      {"apiVersion", "apps/v1"},
      {"metadata",
       json::object{
           {"name", dname + "-" + hash},
           {"namespace", dmeta.at("namespace")},
           {"uid",
            std::string(owner_uid).replace(0, 8, "7a1d3b5f").replace(9, 4, "000" + std::to_string(revision))},
           {"resourceVersion", std::to_string(1500000 + revision)},
           {"generation", 2},
           {"creationTimestamp", time},
           {"labels", labels},
           {"annotations", json::object{{"deployment.kubernetes.io/desired-replicas", "3"},
                                        {"deployment.kubernetes.io/max-replicas", "4"},
                                        {"deployment.kubernetes.io/revision", std::to_string(revision)}}},
           {"ownerReferences", json::array{json::object{{"apiVersion", "apps/v1"},
                                                        {"kind", "Deployment"},
                                                        {"name", dname},
                                                        {"uid", owner_uid},
                                                        {"controller", true},
                                                        {"blockOwnerDeletion", true}}}},
           {"managedFields",
            json::array{
                json::object{
                    {"manager", "kube-controller-manager"},
                    {"operation", "Update"},
                    {"apiVersion", "apps/v1"},
                    {"time", time},
                    {"fieldsType", "FieldsV1"},
                    {"fieldsV1",
                     json::parse(
                         R"({"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/desired-replicas":{},)"
                         R"("f:deployment.kubernetes.io/max-replicas":{},"f:deployment.kubernetes.io/revision":{}},)"
                         R"("f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},)"
                         R"("k:{\"uid\":\")" +
                         owner_uid +
                         R"(\"}":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{)"
                         R"("f:metadata":{"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}}},"f:spec":{)"
                         R"("f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:env":{},"f:image":{},"f:name":{},)"
                         R"("f:ports":{},"f:readinessProbe":{},"f:resources":{}}}}}}})")}},
                json::object{
                    {"manager", "kube-controller-manager"},
                    {"operation", "Update"},
                    {"apiVersion", "apps/v1"},
                    {"time", time},
                    {"fieldsType", "FieldsV1"},
                    {"fieldsV1", json::parse(R"({"f:status":{"f:observedGeneration":{},"f:replicas":{}}})")},
                    {"subresource", "status"}}}}}},
      {"spec", json::object{{"replicas", replicas},
                            {"selector", json::object{{"matchLabels", match_labels}}},
                            {"template", spec_template}}},
      {"status", status}};
}

// Pod n of ReplicaSet rs, running and ready, as the kubelet reports it (the RS's pod template as spec).
inline boost::json::object make_pod(const boost::json::object& rs, int n) {
  namespace json = boost::json;
  const auto& meta = rs.at("metadata").as_object();
  const std::string rs_name(meta.at("name").as_string());
  const std::string name = rs_name + "-" + std::string("abcde").substr(0, 5 - (n % 3)) + std::to_string(n);
  const std::string time = "2026-10-14T12:00:0" + std::to_string(n) + "Z";
  json::object labels = meta.at("labels").as_object();
  return json::object{
      {"kind", "Pod"},
      {"apiVersion", "v1"},
      {"metadata",
       json::object{
           {"name", name},
           {"namespace", meta.at("namespace")},
           {"uid", std::string(meta.at("uid").as_string()).replace(0, 8, "5c1e9a7" + std::to_string(n % 10))},
           {"resourceVersion", std::to_string(1600000 + n)},
           {"creationTimestamp", time},
           {"labels", labels},
           {"ownerReferences", json::array{json::object{{"apiVersion", "apps/v1"},
                                                        {"kind", "ReplicaSet"},
                                                        {"name", rs_name},
                                                        {"uid", meta.at("uid")},
                                                        {"controller", true},
                                                        {"blockOwnerDeletion", true}}}}}},
      {"spec", rs.at("spec").at("template").at("spec")},
      {"status",
       json::object{{"phase", "Running"},
                    {"podIP", "10.244." + std::to_string(n / 250 % 250) + "." + std::to_string(n % 250)},
                    {"podIPs", json::array{json::object{{"ip", "10.244." + std::to_string(n / 250 % 250) +
                                                                   "." + std::to_string(n % 250)}}}},
                    {"hostIP", "172.18.0.3"},
                    {"startTime", time},
                    {"qosClass", "Burstable"},
                    {"conditions", json::array{json::object{{"type", "Initialized"}, {"status", "True"}},
                                               json::object{{"type", "Ready"}, {"status", "True"}},
                                               json::object{{"type", "ContainersReady"}, {"status", "True"}},
                                               json::object{{"type", "PodScheduled"}, {"status", "True"}}}},
                    {"containerStatuses",
                     json::array{json::object{
                         {"name", "app"},
                         {"ready", true},
                         {"started", true},
                         {"restartCount", 0},
                         {"image", "registry.example.com/service:1.4.2"},
                         {"imageID", "registry.example.com/service@sha256:0123456789abcdef"},
                         {"containerID", "containerd://0123456789abcdef" + std::to_string(n)},
                         {"state", json::object{{"running", json::object{{"startedAt", time}}}}}}}}}}};
}

// Snapshot with `deployments` Deployments over 50 namespaces and `replicasets_per` ReplicaSets each
// (the last one current, the older ones scaled to 0, as after successive rollouts).
inline boost::json::object make_kube_sim_state(int deployments, int replicasets_per) {
  namespace json = boost::json;
  json::array objects;
  objects.reserve(50 + static_cast<std::size_t>(deployments) * (1 + replicasets_per));
  auto entry = [](const char* group, const char* resource, json::string_view ns, json::string_view name,
                  json::object object) {
    return json::object{{"group", group},
                        {"resource", resource},
                        {"namespace", ns},
                        {"name", name},
                        {"object", std::move(object)}};
  };
  for (int n = 0; n < 50; ++n) {
    const std::string name = "team-" + std::to_string(n);
    objects.push_back(
        entry("", "namespaces", "", name,
              json::object{{"kind", "Namespace"},
                           {"apiVersion", "v1"},
                           {"metadata", json::object{{"name", name},
                                                     {"uid", "0e7c" + std::to_string(n)},
                                                     {"resourceVersion", std::to_string(100 + n)},
                                                     {"creationTimestamp", "2026-10-01T11:00:00Z"}}},
                           {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
                           {"status", json::object{{"phase", "Active"}}}}));
  }
  for (int i = 0; i < deployments; ++i) {
    json::object d = json::parse(make_deployment(i)).as_object();
    const auto& meta = d.at("metadata").as_object();
    const json::string ns = meta.at("namespace").as_string(), name = meta.at("name").as_string();
    for (int r = 0; r < replicasets_per; ++r) {
      // Revisions end at 4, the Deployment's; the current ReplicaSet has the hash its
      // Progressing condition names.
      const int revision = 4 - replicasets_per + 1 + r;
      const bool current = r == replicasets_per - 1;
      const std::string hash = std::to_string(current ? 100000000 + i * 7919 : 200000000 + i * 31 + r);
      json::object rs = make_replicaset(d, hash, revision, current);
      const json::string rs_name = rs.at("metadata").at("name").as_string();
      objects.push_back(entry("apps", "replicasets", ns, rs_name, std::move(rs)));
    }
    objects.push_back(entry("apps", "deployments", ns, name, std::move(d)));
  }
  return json::object{{"resourceVersion", 2000000}, {"objects", std::move(objects)}};
}

}  // namespace rollguard::bench
