// apps/v1, batch/v1, coordination.k8s.io/v1, events.k8s.io/v1 and apiextensions.k8s.io/v1 schemas.
#include "apimachinery/openapi_dsl.hpp"

namespace kubesim::apimachinery::openapi {
namespace {

const std::string kTime = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
const std::string kMicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
const std::string kSelector = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector";
const std::string kTemplate = "io.k8s.api.core.v1.PodTemplateSpec";

json::object workload_condition(std::string_view d) {
  return object(d,
                {{"type", str("Type of condition.")},
                 {"status", str("Status of the condition, one of True, False, Unknown.")},
                 {"lastUpdateTime", schema_ref(kTime, "The last time this condition was updated.")},
                 {"lastTransitionTime", schema_ref(kTime,
                                                   "Last time the condition transitioned from one status to "
                                                   "another.")},
                 {"lastProbeTime", schema_ref(kTime, "Last time the condition was checked.")},
                 {"reason", str("The reason for the condition's last transition.")},
                 {"message", str("A human readable message indicating details about the transition.")}},
                {"type", "status"});
}

void add_apps(json::object& out) {
  const std::string apps = "io.k8s.api.apps.v1.";
  out[apps + "RollingUpdateDeployment"] =
      object("Spec to control the desired behavior of rolling update.",
             {{"maxUnavailable",
               int_or_string("The maximum number of pods that can be unavailable during the update.")},
              {"maxSurge",
               int_or_string("The maximum number of pods that can be scheduled above the desired number of "
                             "pods.")}});
  auto strategy = object("DeploymentStrategy describes how to replace existing pods with new ones.",
                         {{"type", str("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\".")},
                          {"rollingUpdate", schema_ref(apps + "RollingUpdateDeployment",
                                                       "Rolling update config "
                                                       "params.")}});
  out[apps + "DeploymentStrategy"] = strategy;
  auto strategy_field = schema_ref(apps + "DeploymentStrategy",
                                   "The deployment strategy to use to replace existing "
                                   "pods with new ones.");
  strategy_field["x-kubernetes-patch-strategy"] = "retainKeys";
  out[apps + "DeploymentCondition"] =
      workload_condition("DeploymentCondition describes the state of a deployment at a certain point.");
  out[apps + "Deployment"] = kind(
      "apps", "v1", "Deployment", "Deployment enables declarative updates for Pods and ReplicaSets.",
      {{"spec",
        object("DeploymentSpec is the specification of the desired behavior of the Deployment.",
               {{"replicas", int32("Number of desired pods. Defaults to 1.")},
                {"selector", schema_ref(kSelector, "Label selector for pods.")},
                {"template", schema_ref(kTemplate, "Template describes the pods that will be created.")},
                {"strategy", strategy_field},
                {"minReadySeconds",
                 int32("Minimum number of seconds for which a newly created pod should be ready "
                       "without any of its container crashing.")},
                {"revisionHistoryLimit", int32("The number of old ReplicaSets to retain to allow rollback.")},
                {"paused", boolean("Indicates that the deployment is paused.")},
                {"progressDeadlineSeconds",
                 int32("The maximum time in seconds for a deployment to make progress "
                       "before it is considered to be failed.")}},
               {"selector", "template"})},
       {"status",
        object(
            "DeploymentStatus is the most recently observed status of the Deployment.",
            {{"observedGeneration", int64("The generation observed by the deployment controller.")},
             {"replicas", int32("Total number of non-terminated pods targeted by this deployment.")},
             {"updatedReplicas", int32("Total number of non-terminated pods that have the desired template "
                                       "spec.")},
             {"readyReplicas", int32("Number of pods targeted by this Deployment with a Ready Condition.")},
             {"availableReplicas", int32("Total number of available pods.")},
             {"unavailableReplicas", int32("Total number of unavailable pods targeted by this deployment.")},
             {"collisionCount", int32("Count of hash collisions for the Deployment.")},
             {"conditions", keyed_list(apps + "DeploymentCondition", "type",
                                       "Represents the latest available "
                                       "observations of a deployment's "
                                       "current state.")}})}});
  out[apps + "ReplicaSetCondition"] =
      workload_condition("ReplicaSetCondition describes the state of a replica set at a certain point.");
  out[apps + "ReplicaSet"] = kind(
      "apps", "v1", "ReplicaSet",
      "ReplicaSet ensures that a specified number of pod replicas are running at any "
      "given time.",
      {{"spec",
        object("ReplicaSetSpec is the specification of a ReplicaSet.",
               {{"replicas", int32("Replicas is the number of desired replicas.")},
                {"minReadySeconds", int32("Minimum number of seconds for which a newly created pod should "
                                          "be ready.")},
                {"selector", schema_ref(kSelector, "Selector is a label query over pods.")},
                {"template", schema_ref(kTemplate,
                                        "Template is the object that describes the pod that will "
                                        "be created.")}},
               {"selector"})},
       {"status",
        object("ReplicaSetStatus represents the current status of a ReplicaSet.",
               {{"replicas", int32("Replicas is the most recently observed number of replicas.")},
                {"fullyLabeledReplicas", int32("The number of pods that have labels matching the labels "
                                               "of the pod template.")},
                {"readyReplicas", int32("The number of ready replicas.")},
                {"availableReplicas", int32("The number of available replicas.")},
                {"observedGeneration", int64("ObservedGeneration reflects the generation of the most "
                                             "recently observed ReplicaSet.")},
                {"conditions", keyed_list(apps + "ReplicaSetCondition", "type",
                                          "Represents the latest "
                                          "available observations "
                                          "of a replica set's "
                                          "current state.")}},
               {"replicas"})}});
}

void add_batch_and_others(json::object& out) {
  const std::string batch = "io.k8s.api.batch.v1.";
  out[batch + "JobCondition"] = workload_condition("JobCondition describes current state of a job.");
  out[batch + "Job"] = kind(
      "batch", "v1", "Job", "Job represents the configuration of a single job.",
      {{"spec",
        object("JobSpec describes how the job execution will look like.",
               {{"parallelism", int32("Specifies the maximum desired number of pods the job should run at "
                                      "any given time.")},
                {"completions", int32("Specifies the desired number of successfully finished pods the job "
                                      "should be run with.")},
                {"activeDeadlineSeconds", int64("Specifies the duration in seconds relative to the startTime "
                                                "that the job may be continuously active.")},
                {"backoffLimit", int32("Specifies the number of retries before marking this job failed.")},
                {"selector", schema_ref(kSelector,
                                        "A label query over pods that should match the pod "
                                        "count.")},
                {"manualSelector", boolean("manualSelector controls generation of pod labels and pod "
                                           "selectors.")},
                {"template", schema_ref(kTemplate,
                                        "Describes the pod that will be created when executing a "
                                        "job.")},
                {"ttlSecondsAfterFinished", int32("ttlSecondsAfterFinished limits the lifetime of a Job "
                                                  "that has finished execution.")},
                {"suspend", boolean("suspend specifies whether the Job controller should create Pods or "
                                    "not.")}},
               {"template"})},
       {"status",
        object("JobStatus represents the current state of a Job.",
               {{"conditions", keyed_list(batch + "JobCondition", "type",
                                          "The latest available "
                                          "observations of an object's "
                                          "current state.")},
                {"startTime", schema_ref(kTime,
                                         "Represents time when the job controller started "
                                         "processing a job.")},
                {"completionTime", schema_ref(kTime, "Represents time when the job was completed.")},
                {"active", int32("The number of pending and running pods.")},
                {"succeeded", int32("The number of pods which reached phase Succeeded.")},
                {"failed", int32("The number of pods which reached phase Failed.")}})}});

  out["io.k8s.api.coordination.v1.Lease"] = kind(
      "coordination.k8s.io", "v1", "Lease", "Lease defines a lease concept.",
      {{"spec",
        object("LeaseSpec is a specification of a Lease.",
               {{"holderIdentity", str("holderIdentity contains the identity of the holder of a current "
                                       "lease.")},
                {"leaseDurationSeconds", int32("leaseDurationSeconds is a duration that candidates for a "
                                               "lease need to wait to force acquire it.")},
                {"acquireTime", schema_ref(kMicroTime,
                                           "acquireTime is a time when the current lease was "
                                           "acquired.")},
                {"renewTime", schema_ref(kMicroTime,
                                         "renewTime is a time when the current holder of a "
                                         "lease has last updated the lease.")},
                {"leaseTransitions", int32("leaseTransitions is the number of transitions of a lease between "
                                           "holders.")}})}});

  const std::string ev = "io.k8s.api.events.v1.";
  out[ev + "EventSeries"] =
      object("EventSeries contain information on series of events.",
             {{"count", int32("count is the number of occurrences in this series up to the "
                              "last heartbeat time.")},
              {"lastObservedTime", schema_ref(kMicroTime,
                                              "lastObservedTime is the time when "
                                              "last Event from the series was seen "
                                              "before last heartbeat.")}},
             {"count", "lastObservedTime"});
  auto event = kind(
      "events.k8s.io", "v1", "Event", "Event is a report of an event somewhere in the cluster.",
      {{"eventTime", schema_ref(kMicroTime, "eventTime is the time when this Event was first observed.")},
       {"series", schema_ref(ev + "EventSeries",
                             "series is data about the Event series this event "
                             "represents.")},
       {"reportingController", str("reportingController is the name of the controller that emitted "
                                   "this Event.")},
       {"reportingInstance", str("reportingInstance is the ID of the controller instance.")},
       {"action", str("action is what action was taken/failed regarding to the regarding object.")},
       {"reason", str("reason is why the action was taken.")},
       {"regarding", schema_ref("io.k8s.api.core.v1.ObjectReference",
                                "regarding contains the object "
                                "this Event is about.")},
       {"related", schema_ref("io.k8s.api.core.v1.ObjectReference",
                              "related is the optional secondary "
                              "object for more complex actions.")},
       {"note", str("note is a human-readable description of the status of this operation.")},
       {"type", str("type is the type of this event (Normal, Warning).")}});
  event["required"] = json::array{"eventTime"};
  out[ev + "Event"] = std::move(event);
}

void add_crd(json::object& out) {
  const std::string x = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";
  out[x + "CustomResourceDefinitionNames"] = object(
      "CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition",
      {{"plural", str("plural is the plural name of the resource to serve.")},
       {"singular", str("singular is the singular name of the resource.")},
       {"kind", str("kind is the serialized kind of the resource.")},
       {"listKind", str("listKind is the serialized kind of the list for this resource.")},
       {"shortNames", atomic_list(str(), "shortNames are short names for the resource.")},
       {"categories", atomic_list(str(),
                                  "categories is a list of grouped resources this custom resource belongs "
                                  "to.")}},
      {"plural", "kind"});
  out[x + "CustomResourceColumnDefinition"] =
      object("CustomResourceColumnDefinition specifies a column for server side printing.",
             {{"name", str("name is a human readable name for the column.")},
              {"type", str("type is an OpenAPI type definition for this column.")},
              {"format", str("format is an optional OpenAPI type definition for this column.")},
              {"description", str("description is a human readable description of this column.")},
              {"priority", int32("priority is an integer defining the relative importance of this column.")},
              {"jsonPath",
               str("jsonPath is a simple JSON path evaluated against each custom resource to produce the "
                   "value for this column.")}},
             {"name", "type", "jsonPath"});
  out[x + "CustomResourceDefinitionVersion"] = object(
      "CustomResourceDefinitionVersion describes a version for CRD.",
      {{"name", str("name is the version name, e.g. \"v1\", \"v2beta1\".")},
       {"served",
        boolean("served is a flag enabling/disabling this version from being served via REST APIs")},
       {"storage",
        boolean("storage indicates this version should be used when persisting custom resources to "
                "storage.")},
       {"deprecated", boolean("deprecated indicates this version of the custom resource API is deprecated.")},
       {"schema",
        object("CustomResourceValidation is a list of validation methods for CustomResources.",
               {{"openAPIV3Schema", any_object("openAPIV3Schema is the OpenAPI v3 schema to use for "
                                               "validation and pruning.")}})},
       {"subresources",
        object("CustomResourceSubresources defines the status and scale subresources for "
               "CustomResources.",
               {{"status", any_object("status indicates the custom resource should serve a "
                                      "`/status` subresource.")},
                {"scale", any_object("scale indicates the custom resource should serve a `/scale` "
                                     "subresource.")}})},
       {"additionalPrinterColumns",
        atomic_list(schema_ref(x + "CustomResourceColumnDefinition"),
                    "additionalPrinterColumns specifies additional columns returned in "
                    "Table output.")}},
      {"name", "served", "storage"});
  out[x + "CustomResourceDefinitionCondition"] = workload_condition(
      "CustomResourceDefinitionCondition contains details for the current condition of this pod.");
  out[x + "CustomResourceDefinition"] = kind(
      "apiextensions.k8s.io", "v1", "CustomResourceDefinition",
      "CustomResourceDefinition represents a resource that should be exposed on the API server.",
      {{"spec",
        object("CustomResourceDefinitionSpec describes how a user wants their resource to appear",
               {{"group", str("group is the API group of the defined custom resource.")},
                {"names", schema_ref(x + "CustomResourceDefinitionNames",
                                     "names specify the resource and "
                                     "kind names for the custom "
                                     "resource.")},
                {"scope", str("scope indicates whether the defined custom resource is cluster- or "
                              "namespace-scoped.")},
                {"versions", atomic_list(schema_ref(x + "CustomResourceDefinitionVersion"),
                                         "versions is the list of all API versions of the defined custom "
                                         "resource.")},
                {"preserveUnknownFields", boolean("preserveUnknownFields indicates that object fields which "
                                                  "are not specified in the OpenAPI schema should be "
                                                  "preserved when persisting to storage.")}},
               {"group", "names", "scope", "versions"})},
       {"status",
        object("CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition",
               {{"conditions", keyed_list(x + "CustomResourceDefinitionCondition", "type",
                                          "conditions indicate state for particular aspects of a "
                                          "CustomResourceDefinition")},
                {"acceptedNames", schema_ref(x + "CustomResourceDefinitionNames",
                                             "acceptedNames are the names that are actually being used to "
                                             "serve discovery.")},
                {"storedVersions", atomic_list(str(),
                                               "storedVersions lists all versions of "
                                               "CustomResources that were ever persisted.")}})}});
  out[x + "CustomResourceDefinition"].as_object()["required"] = json::array{"spec"};
}

}  // namespace

void add_workload_schemas(json::object& out) {
  add_apps(out);
  add_batch_and_others(out);
  add_crd(out);
}

}  // namespace kubesim::apimachinery::openapi
