// The kinds an operator's install creates (ServiceAccount, the RBAC kinds, PodDisruptionBudget,
// NetworkPolicy), abbreviated as the other built-ins: upstream field names, types and list
// extensions, so `kubectl apply` computes its patches and `kubectl explain` reads them.
#include "apimachinery/openapi_dsl.hpp"

namespace kubesim::apimachinery::openapi {
namespace {

const std::string kRbac = "io.k8s.api.rbac.v1.";
const std::string kPolicy = "io.k8s.api.policy.v1.";
const std::string kNet = "io.k8s.api.networking.v1.";
const std::string kLabelSelector = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector";

void add_service_account(json::object& out) {
  out["io.k8s.api.core.v1.ServiceAccount"] = kind(
      "", "v1", "ServiceAccount",
      "ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for "
      "an "
      "identity * a principal that can be authenticated and authorized * a set of secrets",
      {{"automountServiceAccountToken",
        boolean("AutomountServiceAccountToken indicates whether pods running as this service account should "
                "have an API token automatically mounted.")},
       {"secrets",
        keyed_list("io.k8s.api.core.v1.ObjectReference", "name",
                   "Secrets is a list of the secrets in the same namespace that pods running using "
                   "this ServiceAccount are allowed to use.")},
       {"imagePullSecrets",
        atomic_list(schema_ref("io.k8s.api.core.v1.LocalObjectReference"),
                    "ImagePullSecrets is a list of references to secrets in the same namespace to use for "
                    "pulling any images in pods that reference this ServiceAccount.")}});
}

void add_rbac(json::object& out) {
  out[kRbac + "PolicyRule"] = object(
      "PolicyRule holds information that describes a policy rule, but does not contain information about who "
      "the rule applies to or which namespace the rule applies to.",
      {{"verbs", atomic_list(str(),
                             "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained "
                             "in this rule. '*' represents all verbs.")},
       {"apiGroups",
        atomic_list(str(), "APIGroups is the name of the APIGroup that contains the resources.")},
       {"resources", atomic_list(str(),
                                 "Resources is a list of resources this rule applies to. '*' "
                                 "represents all resources.")},
       {"resourceNames", atomic_list(str(),
                                     "ResourceNames is an optional white list of names that the rule "
                                     "applies to.")},
       {"nonResourceURLs", atomic_list(str(),
                                       "NonResourceURLs is a set of partial urls that a user should "
                                       "have access to.")}},
      {"verbs"});
  out[kRbac + "AggregationRule"] = object(
      "AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole",
      {{"clusterRoleSelectors",
        atomic_list(schema_ref(kLabelSelector),
                    "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles "
                    "and create the rules.")}});
  out[kRbac + "RoleRef"] =
      object("RoleRef contains information that points to the role being used",
             {{"apiGroup", str("APIGroup is the group for the resource being referenced")},
              {"kind", str("Kind is the type of resource being referenced")},
              {"name", str("Name is the name of resource being referenced")}},
             {"apiGroup", "kind", "name"});
  out[kRbac + "Subject"] =
      object("Subject contains a reference to the object or user identities a role binding applies to.",
             {{"kind", str("Kind of object being referenced. Values defined by this API group are \"User\", "
                           "\"Group\", and \"ServiceAccount\".")},
              {"apiGroup", str("APIGroup holds the API group of the referenced subject.")},
              {"name", str("Name of the object being referenced.")},
              {"namespace", str("Namespace of the referenced object.")}},
             {"kind", "name"});
  const auto rules = [] {
    return atomic_list(schema_ref(kRbac + "PolicyRule"), "Rules holds all the PolicyRules for this Role");
  };
  out[kRbac + "Role"] =
      kind("rbac.authorization.k8s.io", "v1", "Role",
           "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a "
           "unit by a RoleBinding.",
           {{"rules", rules()}});
  out[kRbac + "ClusterRole"] = kind(
      "rbac.authorization.k8s.io", "v1", "ClusterRole",
      "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by "
      "a RoleBinding or ClusterRoleBinding.",
      {{"rules", rules()},
       {"aggregationRule", schema_ref(kRbac + "AggregationRule",
                                      "AggregationRule is an optional field that describes how to build "
                                      "the Rules for this ClusterRole.")}});
  const auto binding = [&](const char* kind_name, const char* d) {
    json::object s = kind("rbac.authorization.k8s.io", "v1", kind_name, d,
                          {{"subjects", atomic_list(schema_ref(kRbac + "Subject"),
                                                    "Subjects holds references to the objects the role "
                                                    "applies to.")},
                           {"roleRef", schema_ref(kRbac + "RoleRef",
                                                  "RoleRef can only reference a ClusterRole in the global "
                                                  "namespace. If the RoleRef cannot be resolved, the "
                                                  "Authorizer must return an error.")}});
    s["required"] = json::array{"roleRef"};
    return s;
  };
  out[kRbac + "RoleBinding"] =
      binding("RoleBinding",
              "RoleBinding references a role, but does not contain it. It can reference a Role in the same "
              "namespace or a ClusterRole in the global namespace.");
  out[kRbac + "ClusterRoleBinding"] =
      binding("ClusterRoleBinding",
              "ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a "
              "ClusterRole in the global namespace, and adds who information via Subject.");
}

void add_policy(json::object& out) {
  out[kPolicy + "PodDisruptionBudget"] = kind(
      "policy", "v1", "PodDisruptionBudget",
      "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of "
      "pods",
      {{"spec",
        object("PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.",
               {{"minAvailable", int_or_string("An eviction is allowed if at least \"minAvailable\" pods "
                                               "selected by \"selector\" will still be available after the "
                                               "eviction.")},
                {"maxUnavailable", int_or_string("An eviction is allowed if at most \"maxUnavailable\" pods "
                                                 "selected by \"selector\" are unavailable after the "
                                                 "eviction.")},
                {"selector", schema_ref(kLabelSelector,
                                        "Label query over pods whose evictions are managed by the disruption "
                                        "budget.")},
                {"unhealthyPodEvictionPolicy",
                 str("UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be "
                     "considered for eviction.")}})},
       {"status",
        object(
            "PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget.",
            {{"observedGeneration", int64("Most recent generation observed when updating this PDB status.")},
             {"disruptionsAllowed", int32("Number of pod disruptions that are currently allowed.")},
             {"currentHealthy", int32("current number of healthy pods")},
             {"desiredHealthy", int32("minimum desired number of healthy pods")},
             {"expectedPods", int32("total number of pods counted by this disruption budget")},
             {"conditions", keyed_list("io.k8s.apimachinery.pkg.apis.meta.v1.Condition", "type",
                                       "Conditions contain conditions for PDB.")}})}});
}

void add_networking(json::object& out) {
  out[kNet + "IPBlock"] = object(
      "IPBlock describes a particular CIDR (Ex. \"192.168.1.0/24\",\"2001:db8::/64\") that is allowed to "
      "the pods matched by a NetworkPolicySpec's podSelector.",
      {{"cidr", str("cidr is a string representing the IPBlock")},
       {"except", atomic_list(str(),
                              "except is a slice of CIDRs that should not be included within an "
                              "IPBlock")}},
      {"cidr"});
  out[kNet + "NetworkPolicyPeer"] = object(
      "NetworkPolicyPeer describes a peer to allow traffic to/from.",
      {{"podSelector", schema_ref(kLabelSelector, "podSelector is a label selector which selects pods.")},
       {"namespaceSelector",
        schema_ref(kLabelSelector, "namespaceSelector selects namespaces using cluster-scoped labels.")},
       {"ipBlock", schema_ref(kNet + "IPBlock", "ipBlock defines policy on a particular IPBlock.")}});
  out[kNet + "NetworkPolicyPort"] = object(
      "NetworkPolicyPort describes a port to allow traffic on",
      {{"protocol", str("protocol represents the protocol (TCP, UDP, or SCTP) which traffic must match.")},
       {"port", int_or_string("port represents the port on the given protocol.")},
       {"endPort", int32("endPort indicates that the range of ports from port to endPort if set, "
                         "inclusive, should be allowed by the policy.")}});
  const auto ports = [&] {
    return atomic_list(
        schema_ref(kNet + "NetworkPolicyPort"),
        "ports is a list of ports which should be made accessible on the pods selected for this "
        "rule.");
  };
  const auto peers = [&](const char* d) { return atomic_list(schema_ref(kNet + "NetworkPolicyPeer"), d); };
  out[kNet + "NetworkPolicyIngressRule"] = object(
      "NetworkPolicyIngressRule describes a particular set of traffic that is allowed to the pods matched by "
      "a "
      "NetworkPolicySpec's podSelector.",
      {{"ports", ports()},
       {"from", peers("from is a list of sources which should be able to access the pods selected for this "
                      "rule.")}});
  out[kNet + "NetworkPolicyEgressRule"] = object(
      "NetworkPolicyEgressRule describes a particular set of traffic that is allowed out of pods matched by "
      "a "
      "NetworkPolicySpec's podSelector.",
      {{"ports", ports()},
       {"to", peers("to is a list of destinations for outgoing traffic of pods selected for this rule.")}});
  out[kNet + "NetworkPolicy"] = kind(
      "networking.k8s.io", "v1", "NetworkPolicy",
      "NetworkPolicy describes what network traffic is allowed for a set of Pods",
      {{"spec",
        object(
            "NetworkPolicySpec provides the specification of a NetworkPolicy",
            {{"podSelector", schema_ref(kLabelSelector,
                                        "podSelector selects the pods to which this NetworkPolicy object "
                                        "applies.")},
             {"ingress", atomic_list(schema_ref(kNet + "NetworkPolicyIngressRule"),
                                     "ingress is a list of ingress rules to be applied to the selected "
                                     "pods.")},
             {"egress", atomic_list(schema_ref(kNet + "NetworkPolicyEgressRule"),
                                    "egress is a list of egress rules to be applied to the selected pods.")},
             {"policyTypes", atomic_list(str(),
                                         "policyTypes is a list of rule types that the NetworkPolicy "
                                         "relates to.")}})}});
}

}  // namespace

void add_install_schemas(json::object& out) {
  add_service_account(out);
  add_rbac(out);
  add_policy(out);
  add_networking(out);
}

}  // namespace kubesim::apimachinery::openapi
