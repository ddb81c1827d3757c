// k8s.io/api apps/v1, batch/v1, rbac/v1, coordination/v1, events/v1, policy/v1, networking/v1 and
// authentication/v1
// generated.proto, and the table of top-level kinds a protobuf body may carry.
#include <array>
#include <utility>

#include "protobuf/descriptor.hpp"

namespace kubesim::protobuf {
// Core kinds (descriptors_core.cpp).
const Message& core_namespace();
const Message& core_config_map();
const Message& core_secret();
const Message& core_service();
const Message& core_service_account();
const Message& core_pod();
const Message& core_event();

namespace {
constexpr auto K = kKeepZero;

const Message& rolling_update_deployment() {
  static const Message m{"RollingUpdateDeployment",
                         {of(1, "maxUnavailable", Type::IntOrString), of(2, "maxSurge", Type::IntOrString)}};
  return m;
}
const Message& deployment_strategy() {
  static const Message m{"DeploymentStrategy",
                         {str(1, "type"), msg(2, "rollingUpdate", rolling_update_deployment)}};
  return m;
}
const Message& deployment_spec() {
  static const Message m{
      "DeploymentSpec",
      {i32(1, "replicas", K), msg(2, "selector", label_selector), msg(3, "template", pod_template_spec),
       msg(4, "strategy", deployment_strategy), i32(5, "minReadySeconds"), i32(6, "revisionHistoryLimit", K),
       boolean(7, "paused"), i32(9, "progressDeadlineSeconds", K), str(10, "podReplacementPolicy", K)}};
  return m;
}
const Message& deployment() {
  static const Message m{"Deployment", {msg(1, "metadata", object_meta), msg(2, "spec", deployment_spec)}};
  return m;
}
const Message& replica_set_spec() {
  static const Message m{"ReplicaSetSpec",
                         {i32(1, "replicas", K), i32(4, "minReadySeconds"),
                          msg(2, "selector", label_selector), msg(3, "template", pod_template_spec)}};
  return m;
}
const Message& replica_set() {
  static const Message m{"ReplicaSet", {msg(1, "metadata", object_meta), msg(2, "spec", replica_set_spec)}};
  return m;
}

const Message& job_spec() {
  static const Message m{
      "JobSpec",
      {i32(1, "parallelism", K), i32(2, "completions", K), i64(3, "activeDeadlineSeconds", K),
       i32(7, "backoffLimit", K), msg(4, "selector", label_selector), boolean(5, "manualSelector", K),
       msg(6, "template", pod_template_spec), i32(8, "ttlSecondsAfterFinished", K),
       str(9, "completionMode", K), boolean(10, "suspend", K), i32(12, "backoffLimitPerIndex", K),
       i32(13, "maxFailedIndexes", K), str(14, "podReplacementPolicy", K), str(15, "managedBy", K)}};
  return m;
}
const Message& job() {
  static const Message m{"Job", {msg(1, "metadata", object_meta), msg(2, "spec", job_spec)}};
  return m;
}

const Message& policy_rule() {
  static const Message m{"PolicyRule",
                         {strs(1, "verbs"), strs(2, "apiGroups"), strs(3, "resources"),
                          strs(4, "resourceNames"), strs(5, "nonResourceURLs")}};
  return m;
}
const Message& aggregation_rule() {
  static const Message m{"AggregationRule", {msgs(1, "clusterRoleSelectors", label_selector)}};
  return m;
}
const Message& role() {
  static const Message m{"Role", {msg(1, "metadata", object_meta), msgs(2, "rules", policy_rule)}};
  return m;
}
const Message& cluster_role() {
  static const Message m{"ClusterRole",
                         {msg(1, "metadata", object_meta), msgs(2, "rules", policy_rule),
                          msg(3, "aggregationRule", aggregation_rule)}};
  return m;
}
const Message& subject() {
  static const Message m{"Subject",
                         {str(1, "kind"), str(2, "apiGroup"), str(3, "name"), str(4, "namespace")}};
  return m;
}
const Message& role_ref() {
  static const Message m{"RoleRef", {str(1, "apiGroup"), str(2, "kind"), str(3, "name")}};
  return m;
}
// RoleBinding and ClusterRoleBinding have the same shape.
const Message& binding() {
  static const Message m{
      "RoleBinding",
      {msg(1, "metadata", object_meta), msgs(2, "subjects", subject), msg(3, "roleRef", role_ref)}};
  return m;
}

const Message& lease_spec() {
  static const Message m{
      "LeaseSpec",
      {str(1, "holderIdentity", K), i32(2, "leaseDurationSeconds", K), of(3, "acquireTime", Type::MicroTime),
       of(4, "renewTime", Type::MicroTime), i32(5, "leaseTransitions", K), str(6, "strategy", K),
       str(7, "preferredHolder", K)}};
  return m;
}
const Message& lease() {
  static const Message m{"Lease", {msg(1, "metadata", object_meta), msg(2, "spec", lease_spec)}};
  return m;
}

const Message& event_series() {
  static const Message m{"EventSeries", {i32(1, "count"), of(2, "lastObservedTime", Type::MicroTime)}};
  return m;
}
const Message& events_event() {
  static const Message m{
      "Event",
      {msg(1, "metadata", object_meta), of(2, "eventTime", Type::MicroTime), msg(3, "series", event_series),
       str(4, "reportingController"), str(5, "reportingInstance"), str(6, "action"), str(7, "reason"),
       msg(8, "regarding", object_reference), msg(9, "related", object_reference), str(10, "note"),
       str(11, "type"), msg(12, "deprecatedSource", event_source),
       of(13, "deprecatedFirstTimestamp", Type::Time), of(14, "deprecatedLastTimestamp", Type::Time),
       i32(15, "deprecatedCount")}};
  return m;
}

const Message& pdb_spec() {
  static const Message m{
      "PodDisruptionBudgetSpec",
      {of(1, "minAvailable", Type::IntOrString), msg(2, "selector", label_selector),
       of(3, "maxUnavailable", Type::IntOrString), str(4, "unhealthyPodEvictionPolicy", K)}};
  return m;
}
const Message& pdb() {
  static const Message m{"PodDisruptionBudget", {msg(1, "metadata", object_meta), msg(2, "spec", pdb_spec)}};
  return m;
}

const Message& network_policy_port() {
  static const Message m{"NetworkPolicyPort",
                         {str(1, "protocol", K), of(2, "port", Type::IntOrString), i32(3, "endPort", K)}};
  return m;
}
const Message& ip_block() {
  static const Message m{"IPBlock", {str(1, "cidr"), strs(2, "except")}};
  return m;
}
const Message& network_policy_peer() {
  static const Message m{"NetworkPolicyPeer",
                         {msg(1, "podSelector", label_selector), msg(2, "namespaceSelector", label_selector),
                          msg(3, "ipBlock", ip_block)}};
  return m;
}
const Message& ingress_rule() {
  static const Message m{"NetworkPolicyIngressRule",
                         {msgs(1, "ports", network_policy_port), msgs(2, "from", network_policy_peer)}};
  return m;
}
const Message& egress_rule() {
  static const Message m{"NetworkPolicyEgressRule",
                         {msgs(1, "ports", network_policy_port), msgs(2, "to", network_policy_peer)}};
  return m;
}
const Message& network_policy_spec() {
  static const Message m{"NetworkPolicySpec",
                         {msg(1, "podSelector", label_selector), msgs(2, "ingress", ingress_rule),
                          msgs(3, "egress", egress_rule), strs(4, "policyTypes")}};
  return m;
}
const Message& network_policy() {
  static const Message m{"NetworkPolicy",
                         {msg(1, "metadata", object_meta), msg(2, "spec", network_policy_spec)}};
  return m;
}

// authentication/v1 TokenRequest: `kubectl create token` posts one to serviceaccounts/NAME/token.
const Message& bound_object_reference() {
  static const Message m{"BoundObjectReference",
                         {str(1, "kind"), str(2, "apiVersion"), str(3, "name"), str(4, "uid")}};
  return m;
}
const Message& token_request_spec() {
  static const Message m{"TokenRequestSpec",
                         {strs(1, "audiences"), i64(4, "expirationSeconds", K),
                          msg(3, "boundObjectRef", bound_object_reference)}};
  return m;
}
const Message& token_request() {
  static const Message m{"TokenRequest",
                         {msg(1, "metadata", object_meta), msg(2, "spec", token_request_spec)}};
  return m;
}

struct KindEntry {
  std::string_view api_version;
  std::string_view kind;
  MessageRef message;
};
constexpr std::string_view rbac = "rbac.authorization.k8s.io/v1";
constexpr std::array<KindEntry, 19> kinds{{
    {"v1", "Namespace", core_namespace},
    {"v1", "ConfigMap", core_config_map},
    {"v1", "Secret", core_secret},
    {"v1", "Service", core_service},
    {"v1", "ServiceAccount", core_service_account},
    {"v1", "Pod", core_pod},
    {"v1", "Event", core_event},
    {"apps/v1", "Deployment", deployment},
    {"apps/v1", "ReplicaSet", replica_set},
    {"batch/v1", "Job", job},
    {rbac, "Role", role},
    {rbac, "ClusterRole", cluster_role},
    {rbac, "RoleBinding", binding},
    {rbac, "ClusterRoleBinding", binding},
    {"coordination.k8s.io/v1", "Lease", lease},
    {"events.k8s.io/v1", "Event", events_event},
    {"policy/v1", "PodDisruptionBudget", pdb},
    {"networking.k8s.io/v1", "NetworkPolicy", network_policy},
    {"authentication.k8s.io/v1", "TokenRequest", token_request},
}};
}  // namespace

const Message* find_kind(std::string_view api_version, std::string_view kind) {
  for (const auto& k : kinds)
    if (k.api_version == api_version && k.kind == kind) return &k.message();
  return nullptr;
}

}  // namespace kubesim::protobuf
