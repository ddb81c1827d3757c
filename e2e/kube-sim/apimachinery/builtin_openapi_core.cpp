// ObjectMeta and the core/v1 kinds kube-sim serves (abbreviated: the fields kubectl and rollguard
// touch, with upstream names, types and strategic-merge extensions).
#include "apimachinery/openapi_dsl.hpp"

namespace kubesim::apimachinery::openapi {
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
constexpr std::string_view kCore = "io.k8s.api.core.v1.";

std::string meta(std::string_view n) { return std::string(kMeta) + std::string(n); }
std::string core(std::string_view n) { return std::string(kCore) + std::string(n); }

void add_meta(json::object& out) {
  out[meta("Time")] =
      time("Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.");
  out[meta("MicroTime")] = time("MicroTime is version of Time with microsecond level precision.");
  out[meta("ObjectMeta")] = object(
      "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must "
      "create.",
      {{"name", str("Name must be unique within a namespace.")},
       {"generateName",
        str("GenerateName is an optional prefix, used by the server, to generate a unique name.")},
       {"namespace", str("Namespace defines the space within which each name must be unique.")},
       {"uid", str("UID is the unique in time and space value for this object.")},
       {"resourceVersion", str("An opaque value that represents the internal version of this object.")},
       {"generation", int64("A sequence number representing a specific generation of the desired state.")},
       {"creationTimestamp", schema_ref(meta("Time"),
                                        "CreationTimestamp is a timestamp representing the server time when "
                                        "this object was created.")},
       {"deletionTimestamp", schema_ref(meta("Time"),
                                        "DeletionTimestamp is RFC 3339 date and time at which this resource "
                                        "will be deleted.")},
       {"deletionGracePeriodSeconds",
        int64("Number of seconds allowed for this object to gracefully terminate.")},
       {"labels",
        string_map("Map of string keys and values that can be used to organize and categorize objects.")},
       {"annotations", string_map("Annotations is an unstructured key value map stored with a resource.")},
       {"ownerReferences",
        keyed_list(meta("OwnerReference"), "uid", "List of objects depended by this object.")},
       {"finalizers", string_set("Must be empty before the object is deleted from the registry.")},
       {"managedFields",
        atomic_list(schema_ref(meta("ManagedFieldsEntry")),
                    "ManagedFields maps workflow-id and version to the set of fields that are "
                    "managed by that workflow.")}});
  out[meta("OwnerReference")] =
      object("OwnerReference contains enough information to let you identify an owning object.",
             {{"apiVersion", str("API version of the referent.")},
              {"kind", str("Kind of the referent.")},
              {"name", str("Name of the referent.")},
              {"uid", str("UID of the referent.")},
              {"controller", boolean("If true, this reference points to the managing controller.")},
              {"blockOwnerDeletion",
               boolean("If true, the owner cannot be deleted from the key-value store until this "
                       "reference is removed.")}},
             {"apiVersion", "kind", "name", "uid"});
  out[meta("ManagedFieldsEntry")] = object(
      "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the "
      "fieldset "
      "applies to.",
      {{"manager", str("Manager is an identifier of the workflow managing these fields.")},
       {"operation",
        str("Operation is the type of operation which lead to this ManagedFieldsEntry being created.")},
       {"apiVersion", str("APIVersion defines the version of this resource that this field set applies to.")},
       {"time", schema_ref(meta("Time"), "Time is the timestamp of when the ManagedFields entry was added.")},
       {"fieldsType", str("FieldsType is the discriminator for the different fields format and version.")},
       {"fieldsV1",
        any_object("FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type.")},
       {"subresource", str("Subresource is the name of the subresource used to update that object.")}});
  out[meta("LabelSelectorRequirement")] = object(
      "A label selector requirement is a selector that contains values, a key, and an operator that relates "
      "the "
      "key and values.",
      {{"key", str("key is the label key that the selector applies to.")},
       {"operator",
        str("operator represents a key's relationship to a set of values. Valid operators are In, "
            "NotIn, Exists and DoesNotExist.")},
       {"values", atomic_list(str(), "values is an array of string values.")}},
      {"key", "operator"});
  out[meta("LabelSelector")] = object(
      "A label selector is a label query over a set of resources.",
      {{"matchLabels", string_map("matchLabels is a map of {key,value} pairs.")},
       {"matchExpressions", atomic_list(schema_ref(meta("LabelSelectorRequirement")),
                                        "matchExpressions is a list of label selector requirements.")}});
  out[meta("Condition")] = object(
      "Condition contains details for one aspect of the current state of this API Resource.",
      {{"type", str("type of condition in CamelCase or in foo.example.com/CamelCase.")},
       {"status", str("status of the condition, one of True, False, Unknown.")},
       {"observedGeneration",
        int64("observedGeneration represents the .metadata.generation that the condition "
              "was set based upon.")},
       {"lastTransitionTime", schema_ref(meta("Time"),
                                         "lastTransitionTime is the last time the condition transitioned "
                                         "from one status to another.")},
       {"reason",
        str("reason contains a programmatic identifier indicating the reason for the condition's last "
            "transition.")},
       {"message", str("message is a human readable message indicating details about the transition.")}},
      {"type", "status", "lastTransitionTime", "reason", "message"});
}

json::object condition_schema(std::string_view d) {
  return object(d,
                {{"type", str("Type of condition.")},
                 {"status", str("Status of the condition, one of True, False, Unknown.")},
                 {"lastProbeTime", schema_ref(meta("Time"), "Last time we probed the condition.")},
                 {"lastUpdateTime", schema_ref(meta("Time"), "The last time this condition was updated.")},
                 {"lastTransitionTime", schema_ref(meta("Time"),
                                                   "Last time the condition transitioned from one status "
                                                   "to another.")},
                 {"reason", str("Unique, one-word, CamelCase reason for the condition's last transition.")},
                 {"message", str("Human-readable message indicating details about last transition.")}},
                {"type", "status"});
}

void add_pod(json::object& out) {
  out[core("ContainerPort")] =
      object("ContainerPort represents a network port in a single container.",
             {{"name", str("Name of the port.")},
              {"containerPort", int32("Number of port to expose on the pod's IP address.")},
              {"hostPort", int32("Number of port to expose on the host.")},
              {"protocol", str("Protocol for port. Must be UDP, TCP, or SCTP.")},
              {"hostIP", str("What host IP to bind the external port to.")}},
             {"containerPort"});
  out[core("EnvVar")] = object("EnvVar represents an environment variable present in a Container.",
                               {{"name", str("Name of the environment variable.")},
                                {"value", str("Variable references $(VAR_NAME) are expanded.")},
                                {"valueFrom", any_object("Source for the environment variable's value.")}},
                               {"name"});
  out[core("VolumeMount")] =
      object("VolumeMount describes a mounting of a Volume within a container.",
             {{"name", str("This must match the Name of a Volume.")},
              {"mountPath", str("Path within the container at which the volume should be "
                                "mounted.")},
              {"readOnly", boolean("Mounted read-only if true.")},
              {"subPath", str("Path within the volume from which the container's volume "
                              "should be mounted.")}},
             {"name", "mountPath"});
  out[core("ResourceRequirements")] = object(
      "ResourceRequirements describes the compute resource requirements.",
      {{"limits", described({{"type", "object"}, {"additionalProperties", int_or_string()}},
                            "Limits describes the maximum amount of compute resources allowed.")},
       {"requests", described({{"type", "object"}, {"additionalProperties", int_or_string()}},
                              "Requests describes the minimum amount of compute resources required.")}});
  out[core("Container")] = object(
      "A single application container that you want to run within a pod.",
      {{"name", str("Name of the container specified as a DNS_LABEL.")},
       {"image", str("Container image name.")},
       {"imagePullPolicy", str("Image pull policy. One of Always, Never, IfNotPresent.")},
       {"command", atomic_list(str(), "Entrypoint array. Not executed within a shell.")},
       {"args", atomic_list(str(), "Arguments to the entrypoint.")},
       {"workingDir", str("Container's working directory.")},
       {"ports",
        keyed_list(core("ContainerPort"), "containerPort", "List of ports to expose from the container.")},
       {"env", keyed_list(core("EnvVar"), "name", "List of environment variables to set in the container.")},
       {"envFrom",
        atomic_list(any_object(), "List of sources to populate environment variables in the container.")},
       {"resources",
        schema_ref(core("ResourceRequirements"), "Compute Resources required by this container.")},
       {"volumeMounts", keyed_list(core("VolumeMount"), "mountPath",
                                   "Pod volumes to mount into the container's "
                                   "filesystem.")},
       {"livenessProbe", any_object("Periodic probe of container liveness.")},
       {"readinessProbe", any_object("Periodic probe of container service readiness.")},
       {"startupProbe", any_object("StartupProbe indicates that the Pod has successfully initialized.")},
       {"securityContext",
        any_object("SecurityContext defines the security options the container should be run "
                   "with.")}},
      {"name"});
  out[core("Volume")] =
      object("Volume represents a named volume in a pod.",
             {{"name", str("name of the volume.")},
              {"emptyDir", any_object("emptyDir represents a temporary directory.")},
              {"configMap", any_object("configMap represents a configMap that should populate "
                                       "this volume.")},
              {"secret", any_object("secret represents a secret that should populate this "
                                    "volume.")},
              {"persistentVolumeClaim", any_object("a reference to a PersistentVolumeClaim.")},
              {"projected", any_object("projected items for all in one resources.")}},
             {"name"});
  out[core("LocalObjectReference")] = object(
      "LocalObjectReference contains enough information to let you locate the referenced object inside the "
      "same "
      "namespace.",
      {{"name", str("Name of the referent.")}});
  out[core("Toleration")] =
      object("The pod this Toleration is attached to tolerates any taint that matches.",
             {{"key", str("Key is the taint key that the toleration applies to.")},
              {"operator", str("Operator represents a key's relationship to the value.")},
              {"value", str("Value is the taint value the toleration matches to.")},
              {"effect", str("Effect indicates the taint effect to match.")},
              {"tolerationSeconds", int64("TolerationSeconds represents the period of time "
                                          "the toleration tolerates the taint.")}});
  auto volumes = keyed_list(core("Volume"), "name", "List of volumes that can be mounted by containers.");
  volumes["x-kubernetes-patch-strategy"] = "merge,retainKeys";
  out[core("PodSpec")] = object(
      "PodSpec is a description of a pod.",
      {{"containers", keyed_list(core("Container"), "name", "List of containers belonging to the pod.")},
       {"initContainers", keyed_list(core("Container"), "name", "List of initialization containers.")},
       {"volumes", volumes},
       {"restartPolicy",
        str("Restart policy for all containers within the pod. One of Always, OnFailure, Never.")},
       {"terminationGracePeriodSeconds", int64("Optional duration in seconds the pod needs to terminate "
                                               "gracefully.")},
       {"serviceAccountName",
        str("ServiceAccountName is the name of the ServiceAccount to use to run this pod.")},
       {"nodeName", str("NodeName indicates in which node this pod is scheduled.")},
       {"nodeSelector",
        string_map("NodeSelector is a selector which must be true for the pod to fit on a node.")},
       {"imagePullSecrets", keyed_list(core("LocalObjectReference"), "name",
                                       "ImagePullSecrets is an optional list "
                                       "of references to secrets.")},
       {"tolerations", atomic_list(schema_ref(core("Toleration")), "If specified, the pod's tolerations.")},
       {"affinity", any_object("If specified, the pod's scheduling constraints.")},
       {"securityContext", any_object("SecurityContext holds pod-level security attributes.")}},
      {"containers"});
  out[core("PodCondition")] =
      condition_schema("PodCondition contains details for the current condition of this pod.");
  out[core("ContainerStatus")] =
      object("ContainerStatus contains details for the current status of this container.",
             {{"name", str("Name is a DNS_LABEL representing the unique name of the "
                           "container.")},
              {"ready", boolean("Ready specifies whether the container is currently "
                                "passing its readiness check.")},
              {"restartCount", int32("RestartCount holds the number of times the "
                                     "container has been restarted.")},
              {"image", str("Image is the name of container image.")},
              {"state", any_object("State holds details about the container's current "
                                   "condition.")}},
             {"name", "ready", "restartCount", "image"});
  out[core("PodStatus")] = object(
      "PodStatus represents information about the status of a pod.",
      {{"phase", str("The phase of a Pod: Pending, Running, Succeeded, Failed or Unknown.")},
       {"conditions", keyed_list(core("PodCondition"), "type", "Current service state of pod.")},
       {"message",
        str("A human readable message indicating details about why the pod is in this condition.")},
       {"reason", str("A brief CamelCase message indicating details about why the pod is in this state.")},
       {"podIP", str("podIP address allocated to the pod.")},
       {"startTime", schema_ref(meta("Time"),
                                "RFC 3339 date and time at which the object was acknowledged by the "
                                "Kubelet.")},
       {"containerStatuses",
        atomic_list(schema_ref(core("ContainerStatus")), "Statuses of containers in this pod.")}});
  out[core("PodTemplateSpec")] =
      object("PodTemplateSpec describes the data a pod should have when created from a template",
             {{"metadata", schema_ref(meta("ObjectMeta"), "Standard object's metadata.")},
              {"spec", schema_ref(core("PodSpec"), "Specification of the desired behavior of the pod.")}});
  out[core("Pod")] =
      kind("", "v1", "Pod", "Pod is a collection of containers that can run on a host.",
           {{"spec", schema_ref(core("PodSpec"), "Specification of the desired behavior of the pod.")},
            {"status", schema_ref(core("PodStatus"), "Most recently observed status of the pod.")}});
}

void add_other_core(json::object& out) {
  out[core("Namespace")] =
      kind("", "v1", "Namespace", "Namespace provides a scope for Names.",
           {{"spec",
             object("NamespaceSpec describes the attributes on a Namespace.",
                    {{"finalizers", atomic_list(str(),
                                                "Finalizers is an opaque list of values that must be empty "
                                                "to permanently remove object from storage.")}})},
            {"status", object("NamespaceStatus is information about the current status of a Namespace.",
                              {{"phase", str("Phase is the current lifecycle phase of the namespace.")}})}});
  out[core("ConfigMap")] =
      kind("", "v1", "ConfigMap", "ConfigMap holds configuration data for pods to consume.",
           {{"data", string_map("Data contains the configuration data.")},
            {"binaryData", string_map("BinaryData contains the binary data.")},
            {"immutable", boolean("Immutable, if set to true, ensures that data stored in the "
                                  "ConfigMap cannot be updated.")}});
  out[core("Secret")] =
      kind("", "v1", "Secret", "Secret holds secret data of a certain type.",
           {{"data", string_map("Data contains the secret data, base64 encoded.")},
            {"stringData", string_map("stringData allows specifying non-binary secret data in "
                                      "string form.")},
            {"type", str("Used to facilitate programmatic handling of secret data.")},
            {"immutable", boolean("Immutable, if set to true, ensures that data stored in the "
                                  "Secret cannot be updated.")}});
  out[core("ServicePort")] =
      object("ServicePort contains information on service's port.",
             {{"name", str("The name of this port within the service.")},
              {"protocol", str("The IP protocol for this port.")},
              {"port", int32("The port that will be exposed by this service.")},
              {"targetPort", int_or_string("Number or name of the port to access on the pods "
                                           "targeted by the service.")},
              {"nodePort", int32("The port on each node on which this service is exposed.")}},
             {"port"});
  out[core("Service")] = kind(
      "", "v1", "Service", "Service is a named abstraction of software service.",
      {{"spec",
        object("ServiceSpec describes the attributes that a user creates on a service.",
               {{"ports", keyed_list(core("ServicePort"), "port",
                                     "The list of ports that are exposed by this "
                                     "service.")},
                {"selector", string_map("Route service traffic to pods with label keys and values matching "
                                        "this selector.")},
                {"type", str("type determines how the Service is exposed.")},
                {"clusterIP", str("clusterIP is the IP address of the service.")},
                {"clusterIPs", atomic_list(str(),
                                           "ClusterIPs is a list of IP addresses assigned to this "
                                           "service.")}})},
       {"status", any_object("Most recently observed status of the service.")}});
  out[core("ObjectReference")] = object(
      "ObjectReference contains enough information to let you inspect or modify "
      "the referred object.",
      {{"kind", str("Kind of the referent.")},
       {"namespace", str("Namespace of the referent.")},
       {"name", str("Name of the referent.")},
       {"uid", str("UID of the referent.")},
       {"apiVersion", str("API version of the referent.")},
       {"resourceVersion", str("Specific resourceVersion to which this reference "
                               "is made.")},
       {"fieldPath", str("A reference to a piece of an object.")}});
  out[core("EventSource")] = object("EventSource contains information for an event.",
                                    {{"component", str("Component from which the event is generated.")},
                                     {"host", str("Node name on which the event is generated.")}});
  out[core("Event")] = kind(
      "", "v1", "Event", "Event is a report of an event somewhere in the cluster.",
      {{"involvedObject", schema_ref(core("ObjectReference"), "The object that this event is about.")},
       {"reason", str("This should be a short, machine understandable string that gives the reason for the "
                      "transition into the object's current status.")},
       {"message", str("A human-readable description of the status of this operation.")},
       {"source", schema_ref(core("EventSource"), "The component reporting this event.")},
       {"firstTimestamp", schema_ref(meta("Time"), "The time at which the event was first recorded.")},
       {"lastTimestamp", schema_ref(meta("Time"),
                                    "The time at which the most recent occurrence of this event was "
                                    "recorded.")},
       {"eventTime", schema_ref(meta("MicroTime"), "Time when this Event was first observed.")},
       {"count", int32("The number of times this event has occurred.")},
       {"type", str("Type of this event (Normal, Warning).")},
       {"action", str("What action was taken/failed regarding to the Regarding object.")},
       {"reportingComponent", str("Name of the controller that emitted this Event.")},
       {"reportingInstance", str("ID of the controller instance.")}});
  auto& event = out[core("Event")].as_object();
  event["required"] = json::array{"metadata", "involvedObject"};
}

}  // namespace

void add_meta_and_core_schemas(json::object& out) {
  add_meta(out);
  add_pod(out);
  add_other_core(out);
}

}  // namespace kubesim::apimachinery::openapi
