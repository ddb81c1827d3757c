// k8s.io/api core/v1 generated.proto: PodTemplateSpec, PodSpec and Container with the fields
// workloads commonly set (containers, ports, env, resources, probes, lifecycle, security contexts,
// the usual volume sources, scheduling constraints).
#include "protobuf/descriptor.hpp"

namespace kubesim::protobuf {
namespace {
constexpr auto K = kKeepZero;

const Message& key_to_path() {
  static const Message m{"KeyToPath", {str(1, "key"), str(2, "path"), i32(3, "mode", K)}};
  return m;
}
const Message& object_field_selector() {
  static const Message m{"ObjectFieldSelector", {str(1, "apiVersion"), str(2, "fieldPath")}};
  return m;
}
const Message& resource_field_selector() {
  static const Message m{"ResourceFieldSelector",
                         {str(1, "containerName"), str(2, "resource"), of(3, "divisor", Type::Quantity)}};
  return m;
}
// ConfigMapKeySelector and SecretKeySelector have the same shape.
const Message& key_selector() {
  static const Message m{"KeySelector",
                         {inline_msg(1, local_object_reference), str(2, "key"), boolean(3, "optional", K)}};
  return m;
}
const Message& env_var_source() {
  static const Message m{
      "EnvVarSource",
      {msg(1, "fieldRef", object_field_selector), msg(2, "resourceFieldRef", resource_field_selector),
       msg(3, "configMapKeyRef", key_selector), msg(4, "secretKeyRef", key_selector)}};
  return m;
}
const Message& env_var() {
  static const Message m{"EnvVar", {str(1, "name"), str(2, "value"), msg(3, "valueFrom", env_var_source)}};
  return m;
}
// ConfigMapEnvSource and SecretEnvSource have the same shape.
const Message& env_source() {
  static const Message m{"EnvSource", {inline_msg(1, local_object_reference), boolean(2, "optional", K)}};
  return m;
}
const Message& env_from_source() {
  static const Message m{
      "EnvFromSource",
      {str(1, "prefix"), msg(2, "configMapRef", env_source), msg(3, "secretRef", env_source)}};
  return m;
}
const Message& container_port() {
  static const Message m{
      "ContainerPort",
      {str(1, "name"), i32(2, "hostPort"), i32(3, "containerPort"), str(4, "protocol"), str(5, "hostIP")}};
  return m;
}
const Message& resource_claim() {
  static const Message m{"ResourceClaim", {str(1, "name"), str(2, "request")}};
  return m;
}
const Message& resource_requirements() {
  static const Message m{"ResourceRequirements",
                         {of(1, "limits", Type::MapQuantity), of(2, "requests", Type::MapQuantity),
                          msgs(3, "claims", resource_claim)}};
  return m;
}
const Message& volume_mount() {
  static const Message m{
      "VolumeMount",
      {str(1, "name"), boolean(2, "readOnly"), str(3, "mountPath"), str(4, "subPath"),
       str(5, "mountPropagation", K), str(6, "subPathExpr"), str(7, "recursiveReadOnly", K)}};
  return m;
}
const Message& exec_action() {
  static const Message m{"ExecAction", {strs(1, "command")}};
  return m;
}
const Message& http_header() {
  static const Message m{"HTTPHeader", {str(1, "name"), str(2, "value")}};
  return m;
}
const Message& http_get_action() {
  static const Message m{"HTTPGetAction",
                         {str(1, "path"), of(2, "port", Type::IntOrString), str(3, "host"), str(4, "scheme"),
                          msgs(5, "httpHeaders", http_header)}};
  return m;
}
const Message& tcp_socket_action() {
  static const Message m{"TCPSocketAction", {of(1, "port", Type::IntOrString), str(2, "host")}};
  return m;
}
const Message& grpc_action() {
  static const Message m{"GRPCAction", {i32(1, "port"), str(2, "service", K)}};
  return m;
}
const Message& sleep_action() {
  static const Message m{"SleepAction", {i64(1, "seconds")}};
  return m;
}
const Message& probe_handler() {
  static const Message m{"ProbeHandler",
                         {msg(1, "exec", exec_action), msg(2, "httpGet", http_get_action),
                          msg(3, "tcpSocket", tcp_socket_action), msg(4, "grpc", grpc_action)}};
  return m;
}
const Message& probe() {
  static const Message m{"Probe",
                         {inline_msg(1, probe_handler), i32(2, "initialDelaySeconds"),
                          i32(3, "timeoutSeconds"), i32(4, "periodSeconds"), i32(5, "successThreshold"),
                          i32(6, "failureThreshold"), i64(7, "terminationGracePeriodSeconds", K)}};
  return m;
}
const Message& lifecycle_handler() {
  static const Message m{"LifecycleHandler",
                         {msg(1, "exec", exec_action), msg(2, "httpGet", http_get_action),
                          msg(3, "tcpSocket", tcp_socket_action), msg(4, "sleep", sleep_action)}};
  return m;
}
const Message& lifecycle() {
  static const Message m{"Lifecycle",
                         {msg(1, "postStart", lifecycle_handler), msg(2, "preStop", lifecycle_handler),
                          str(3, "stopSignal", K)}};
  return m;
}
const Message& capabilities() {
  static const Message m{"Capabilities", {strs(1, "add"), strs(2, "drop")}};
  return m;
}
const Message& se_linux_options() {
  static const Message m{"SELinuxOptions", {str(1, "user"), str(2, "role"), str(3, "type"), str(4, "level")}};
  return m;
}
// SeccompProfile and AppArmorProfile have the same shape.
const Message& profile() {
  static const Message m{"Profile", {str(1, "type"), str(2, "localhostProfile", K)}};
  return m;
}
const Message& security_context() {
  static const Message m{
      "SecurityContext",
      {msg(1, "capabilities", capabilities), boolean(2, "privileged", K),
       msg(3, "seLinuxOptions", se_linux_options), i64(4, "runAsUser", K), i64(8, "runAsGroup", K),
       boolean(5, "runAsNonRoot", K), boolean(6, "readOnlyRootFilesystem", K),
       boolean(7, "allowPrivilegeEscalation", K), str(9, "procMount", K), msg(11, "seccompProfile", profile),
       msg(12, "appArmorProfile", profile)}};
  return m;
}
const Message& container_resize_policy() {
  static const Message m{"ContainerResizePolicy", {str(1, "resourceName"), str(2, "restartPolicy")}};
  return m;
}
const Message& container() {
  static const Message m{"Container",
                         {str(1, "name"),
                          str(2, "image"),
                          strs(3, "command"),
                          strs(4, "args"),
                          str(5, "workingDir"),
                          msgs(6, "ports", container_port),
                          msgs(19, "envFrom", env_from_source),
                          msgs(7, "env", env_var),
                          msg(8, "resources", resource_requirements),
                          msgs(23, "resizePolicy", container_resize_policy),
                          str(24, "restartPolicy", K),
                          msgs(9, "volumeMounts", volume_mount),
                          msg(10, "livenessProbe", probe),
                          msg(11, "readinessProbe", probe),
                          msg(22, "startupProbe", probe),
                          msg(12, "lifecycle", lifecycle),
                          str(13, "terminationMessagePath"),
                          str(20, "terminationMessagePolicy"),
                          str(14, "imagePullPolicy"),
                          msg(15, "securityContext", security_context),
                          boolean(16, "stdin"),
                          boolean(17, "stdinOnce"),
                          boolean(18, "tty")}};
  return m;
}

const Message& host_path_source() {
  static const Message m{"HostPathVolumeSource", {str(1, "path"), str(2, "type", K)}};
  return m;
}
const Message& empty_dir_source() {
  static const Message m{"EmptyDirVolumeSource", {str(1, "medium"), of(2, "sizeLimit", Type::Quantity)}};
  return m;
}
const Message& secret_source() {
  static const Message m{"SecretVolumeSource",
                         {str(1, "secretName"), msgs(2, "items", key_to_path), i32(3, "defaultMode", K),
                          boolean(4, "optional", K)}};
  return m;
}
const Message& config_map_source() {
  static const Message m{"ConfigMapVolumeSource",
                         {inline_msg(1, local_object_reference), msgs(2, "items", key_to_path),
                          i32(3, "defaultMode", K), boolean(4, "optional", K)}};
  return m;
}
const Message& pvc_source() {
  static const Message m{"PersistentVolumeClaimVolumeSource", {str(1, "claimName"), boolean(2, "readOnly")}};
  return m;
}
const Message& downward_api_file() {
  static const Message m{"DownwardAPIVolumeFile",
                         {str(1, "path"), msg(2, "fieldRef", object_field_selector),
                          msg(3, "resourceFieldRef", resource_field_selector), i32(4, "mode", K)}};
  return m;
}
const Message& downward_api_source() {
  static const Message m{"DownwardAPIVolumeSource",
                         {msgs(1, "items", downward_api_file), i32(2, "defaultMode", K)}};
  return m;
}
const Message& downward_api_projection() {
  static const Message m{"DownwardAPIProjection", {msgs(1, "items", downward_api_file)}};
  return m;
}
// SecretProjection and ConfigMapProjection have the same shape.
const Message& object_projection() {
  static const Message m{
      "Projection",
      {inline_msg(1, local_object_reference), msgs(2, "items", key_to_path), boolean(4, "optional", K)}};
  return m;
}
const Message& token_projection() {
  static const Message m{"ServiceAccountTokenProjection",
                         {str(1, "audience"), i64(2, "expirationSeconds", K), str(3, "path")}};
  return m;
}
const Message& volume_projection() {
  static const Message m{
      "VolumeProjection",
      {msg(1, "secret", object_projection), msg(2, "downwardAPI", downward_api_projection),
       msg(3, "configMap", object_projection), msg(4, "serviceAccountToken", token_projection)}};
  return m;
}
const Message& projected_source() {
  static const Message m{"ProjectedVolumeSource",
                         {msgs(1, "sources", volume_projection), i32(2, "defaultMode", K)}};
  return m;
}
const Message& volume_source() {
  static const Message m{"VolumeSource",
                         {msg(1, "hostPath", host_path_source), msg(2, "emptyDir", empty_dir_source),
                          msg(6, "secret", secret_source), msg(10, "persistentVolumeClaim", pvc_source),
                          msg(16, "downwardAPI", downward_api_source),
                          msg(19, "configMap", config_map_source), msg(26, "projected", projected_source)}};
  return m;
}
const Message& volume() {
  static const Message m{"Volume", {str(1, "name"), inline_msg(2, volume_source)}};
  return m;
}

const Message& toleration() {
  static const Message m{
      "Toleration",
      {str(1, "key"), str(2, "operator"), str(3, "value"), str(4, "effect"), i64(5, "tolerationSeconds", K)}};
  return m;
}
const Message& node_selector_requirement() {
  static const Message m{"NodeSelectorRequirement", {str(1, "key"), str(2, "operator"), strs(3, "values")}};
  return m;
}
const Message& node_selector_term() {
  static const Message m{"NodeSelectorTerm",
                         {msgs(1, "matchExpressions", node_selector_requirement),
                          msgs(2, "matchFields", node_selector_requirement)}};
  return m;
}
const Message& node_selector() {
  static const Message m{"NodeSelector", {msgs(1, "nodeSelectorTerms", node_selector_term)}};
  return m;
}
const Message& preferred_scheduling_term() {
  static const Message m{"PreferredSchedulingTerm",
                         {i32(1, "weight"), msg(2, "preference", node_selector_term)}};
  return m;
}
const Message& node_affinity() {
  static const Message m{
      "NodeAffinity",
      {msg(1, "requiredDuringSchedulingIgnoredDuringExecution", node_selector),
       msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", preferred_scheduling_term)}};
  return m;
}
const Message& pod_affinity_term() {
  static const Message m{"PodAffinityTerm",
                         {msg(1, "labelSelector", label_selector), strs(2, "namespaces"),
                          str(3, "topologyKey"), msg(4, "namespaceSelector", label_selector)}};
  return m;
}
const Message& weighted_pod_affinity_term() {
  static const Message m{"WeightedPodAffinityTerm",
                         {i32(1, "weight"), msg(2, "podAffinityTerm", pod_affinity_term)}};
  return m;
}
// PodAffinity and PodAntiAffinity have the same shape.
const Message& pod_affinity() {
  static const Message m{
      "PodAffinity",
      {msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", pod_affinity_term),
       msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", weighted_pod_affinity_term)}};
  return m;
}
const Message& affinity() {
  static const Message m{"Affinity",
                         {msg(1, "nodeAffinity", node_affinity), msg(2, "podAffinity", pod_affinity),
                          msg(3, "podAntiAffinity", pod_affinity)}};
  return m;
}
const Message& topology_spread_constraint() {
  static const Message m{"TopologySpreadConstraint",
                         {i32(1, "maxSkew"), str(2, "topologyKey"), str(3, "whenUnsatisfiable"),
                          msg(4, "labelSelector", label_selector)}};
  return m;
}
const Message& sysctl() {
  static const Message m{"Sysctl", {str(1, "name"), str(2, "value")}};
  return m;
}
const Message& pod_security_context() {
  static const Message m{
      "PodSecurityContext",
      {msg(1, "seLinuxOptions", se_linux_options), i64(2, "runAsUser", K), i64(6, "runAsGroup", K),
       boolean(3, "runAsNonRoot", K), of(4, "supplementalGroups", Type::Int64, kRepeated),
       i64(5, "fsGroup", K), msgs(7, "sysctls", sysctl), str(9, "fsGroupChangePolicy", K),
       msg(10, "seccompProfile", profile), msg(11, "appArmorProfile", profile)}};
  return m;
}
const Message& host_alias() {
  static const Message m{"HostAlias", {str(1, "ip"), strs(2, "hostnames")}};
  return m;
}
const Message& readiness_gate() {
  static const Message m{"PodReadinessGate", {str(1, "conditionType")}};
  return m;
}
const Message& pod_os() {
  static const Message m{"PodOS", {str(1, "name")}};
  return m;
}
}  // namespace

const Message& pod_spec() {
  static const Message m{"PodSpec",
                         {msgs(1, "volumes", volume),
                          msgs(20, "initContainers", container),
                          msgs(2, "containers", container),
                          str(3, "restartPolicy"),
                          i64(4, "terminationGracePeriodSeconds", K),
                          i64(5, "activeDeadlineSeconds", K),
                          str(6, "dnsPolicy"),
                          of(7, "nodeSelector", Type::MapString),
                          str(8, "serviceAccountName"),
                          str(9, "serviceAccount"),
                          boolean(21, "automountServiceAccountToken", K),
                          str(10, "nodeName"),
                          boolean(11, "hostNetwork"),
                          boolean(12, "hostPID"),
                          boolean(13, "hostIPC"),
                          boolean(27, "shareProcessNamespace", K),
                          msg(14, "securityContext", pod_security_context),
                          msgs(15, "imagePullSecrets", local_object_reference),
                          str(16, "hostname"),
                          str(17, "subdomain"),
                          msg(18, "affinity", affinity),
                          str(19, "schedulerName"),
                          msgs(22, "tolerations", toleration),
                          msgs(23, "hostAliases", host_alias),
                          str(24, "priorityClassName"),
                          i32(25, "priority", K),
                          msgs(28, "readinessGates", readiness_gate),
                          str(29, "runtimeClassName", K),
                          boolean(30, "enableServiceLinks", K),
                          str(31, "preemptionPolicy", K),
                          of(32, "overhead", Type::MapQuantity),
                          msgs(33, "topologySpreadConstraints", topology_spread_constraint),
                          boolean(35, "setHostnameAsFQDN", K),
                          msg(36, "os", pod_os),
                          boolean(37, "hostUsers", K)}};
  return m;
}

const Message& pod_template_spec() {
  static const Message m{"PodTemplateSpec", {msg(1, "metadata", object_meta), msg(2, "spec", pod_spec)}};
  return m;
}

}  // namespace kubesim::protobuf
