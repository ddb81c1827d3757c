// k8s.io/api core/v1 generated.proto: the core kinds kube-sim serves (besides Pod's spec, in
// descriptors_pod.cpp). Status messages are left out: a create resets status and kube-sim ignores
// status on writes of the main resource.
#include "protobuf/descriptor.hpp"

namespace kubesim::protobuf {
namespace {
constexpr auto K = kKeepZero;

const Message& namespace_spec() {
  static const Message m{"NamespaceSpec", {strs(1, "finalizers")}};
  return m;
}
const Message& service_port() {
  static const Message m{"ServicePort",
                         {str(1, "name"), str(2, "protocol"), str(6, "appProtocol", K), i32(3, "port"),
                          of(4, "targetPort", Type::IntOrString), i32(5, "nodePort")}};
  return m;
}
const Message& client_ip_config() {
  static const Message m{"ClientIPConfig", {i32(1, "timeoutSeconds", K)}};
  return m;
}
const Message& session_affinity_config() {
  static const Message m{"SessionAffinityConfig", {msg(1, "clientIP", client_ip_config)}};
  return m;
}
const Message& service_spec() {
  static const Message m{"ServiceSpec",
                         {msgs(1, "ports", service_port),
                          of(2, "selector", Type::MapString),
                          str(3, "clusterIP"),
                          strs(18, "clusterIPs"),
                          str(4, "type"),
                          strs(5, "externalIPs"),
                          str(7, "sessionAffinity"),
                          str(8, "loadBalancerIP"),
                          strs(9, "loadBalancerSourceRanges"),
                          str(10, "externalName"),
                          str(11, "externalTrafficPolicy"),
                          i32(12, "healthCheckNodePort"),
                          boolean(13, "publishNotReadyAddresses"),
                          msg(14, "sessionAffinityConfig", session_affinity_config),
                          strs(19, "ipFamilies"),
                          str(17, "ipFamilyPolicy", K),
                          boolean(20, "allocateLoadBalancerNodePorts", K),
                          str(21, "loadBalancerClass", K),
                          str(22, "internalTrafficPolicy", K),
                          str(23, "trafficDistribution", K)}};
  return m;
}
const Message& core_event_series() {
  static const Message m{"EventSeries", {i32(1, "count"), of(2, "lastObservedTime", Type::MicroTime)}};
  return m;
}
}  // namespace

const Message& local_object_reference() {
  static const Message m{"LocalObjectReference", {str(1, "name")}};
  return m;
}
const Message& object_reference() {
  static const Message m{"ObjectReference",
                         {str(1, "kind"), str(2, "namespace"), str(3, "name"), str(4, "uid"),
                          str(5, "apiVersion"), str(6, "resourceVersion"), str(7, "fieldPath")}};
  return m;
}
const Message& event_source() {
  static const Message m{"EventSource", {str(1, "component"), str(2, "host")}};
  return m;
}

const Message& core_namespace() {
  static const Message m{"Namespace", {msg(1, "metadata", object_meta), msg(2, "spec", namespace_spec)}};
  return m;
}
const Message& core_config_map() {
  static const Message m{"ConfigMap",
                         {msg(1, "metadata", object_meta), boolean(4, "immutable", K),
                          of(2, "data", Type::MapString), of(3, "binaryData", Type::MapBytes)}};
  return m;
}
const Message& core_secret() {
  static const Message m{
      "Secret",
      {msg(1, "metadata", object_meta), boolean(5, "immutable", K), of(2, "data", Type::MapBytes),
       of(4, "stringData", Type::MapString), str(3, "type")}};
  return m;
}
const Message& core_service() {
  static const Message m{"Service", {msg(1, "metadata", object_meta), msg(2, "spec", service_spec)}};
  return m;
}
const Message& core_service_account() {
  static const Message m{
      "ServiceAccount",
      {msg(1, "metadata", object_meta), msgs(2, "secrets", object_reference),
       msgs(3, "imagePullSecrets", local_object_reference), boolean(4, "automountServiceAccountToken", K)}};
  return m;
}
const Message& core_pod() {
  static const Message m{"Pod", {msg(1, "metadata", object_meta), msg(2, "spec", pod_spec)}};
  return m;
}
const Message& core_event() {
  static const Message m{
      "Event",
      {msg(1, "metadata", object_meta), msg(2, "involvedObject", object_reference), str(3, "reason"),
       str(4, "message"), msg(5, "source", event_source), of(6, "firstTimestamp", Type::Time),
       of(7, "lastTimestamp", Type::Time), i32(8, "count"), str(9, "type"),
       of(10, "eventTime", Type::MicroTime), msg(11, "series", core_event_series), str(12, "action"),
       msg(13, "related", object_reference), str(14, "reportingComponent"), str(15, "reportingInstance")}};
  return m;
}

}  // namespace kubesim::protobuf
