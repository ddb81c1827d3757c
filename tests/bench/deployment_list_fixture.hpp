#pragma once
// A realistic DeploymentList: what a list of a busy cluster's Deployments looks like on the wire
// (managedFields, last-applied annotation, a full pod template, status with conditions), and the
// ReplicaSets the Deployment controller keeps for each (revisionHistoryLimit: the current one and
// older, scaled-down ones).
#include <string>

namespace rollguard::bench {

inline std::string make_deployment(int i) {
  const std::string n = std::to_string(i);
  const std::string name = "service-" + n;
  const std::string hash = std::to_string(100000000 + i * 7919);
  return R"({"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":")" + name +
         R"(","namespace":"team-)" + std::to_string(i % 50) + R"(","uid":"6f0c2f4e-8a1b-4c5d-9e2f-)" +
         std::to_string(100000000000 + i) + R"(","resourceVersion":")" + std::to_string(1000000 + i) +
         R"(","generation":4,"creationTimestamp":"2026-10-01T12:00:00Z","labels":{"app":")" + name +
         R"(","team":"payments","tier":"backend"},"annotations":{"deployment.kubernetes.io/revision":"4",)"
         R"("kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\")" +
         name +
         R"(\"},\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"containers\":[{\"image\":\"registry.example.com/service:1.4.2\",\"name\":\"app\"}]}}}}\n"},)"
         R"("managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2026-10-01T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:name":{}}}}}}}},)"
         R"({"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2026-10-02T08:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:availableReplicas":{},"f:conditions":{},"f:readyReplicas":{},"f:replicas":{}}},"subresource":"status"}]},)"
         R"("spec":{"replicas":3,"selector":{"matchLabels":{"app":")" +
         name + R"("}},"template":{"metadata":{"labels":{"app":")" + name +
         R"("}},"spec":{"containers":[{"name":"app","image":"registry.example.com/service:1.4.2","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],)"
         R"("env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],)"
         R"("resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},)"
         R"("readinessProbe":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTP"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},)"
         R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],)"
         R"("restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},)"
         R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600},)"
         R"("status":{"observedGeneration":4,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,"conditions":[)"
         R"({"type":"Available","status":"True","lastUpdateTime":"2026-10-02T08:00:00Z","lastTransitionTime":"2026-10-02T08:00:00Z","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},)"
         R"({"type":"Progressing","status":"True","lastUpdateTime":"2026-10-02T08:00:00Z","lastTransitionTime":"2026-10-01T12:00:00Z","reason":"NewReplicaSetAvailable","message":"ReplicaSet \")" +
         name + "-" + hash + R"(\" has successfully progressed."}]}})";
}

// Revision `revision` (1 = oldest) of Deployment i's ReplicaSets, as the API server returns it: made by
// the Deployment controller (no last-applied annotation: it is not copied from the Deployment), with
// its managedFields (kube-controller-manager, and its status subresource), an owner reference, the
// full pod template and status. Only the newest of `revisions` runs pods.
inline std::string make_replicaset(int i, int revision, int revisions = 3) {
  const std::string n = std::to_string(i);
  const std::string name = "service-" + n;
  const std::string rev = std::to_string(revision);
  const std::string hash = std::to_string(100000000 + i * 7919 + revision * 104729);
  const std::string uid = "0a7c1d3e-5b2f-4e6a-8c9d-" + std::to_string(200000000000 + i * 8 + revision);
  const std::string image = "registry.example.com/service:1.4." + std::to_string(revision);
  const bool current = revision == revisions;
  const std::string replicas = current ? "3" : "0";
  const std::string status =
      current
          ? R"({"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":3,"availableReplicas":3,"observedGeneration":1})"
          : R"({"replicas":0,"observedGeneration":2})";
  return R"({"kind":"ReplicaSet","apiVersion":"apps/v1","metadata":{"name":")" + name + "-" + hash +
         R"(","namespace":"team-)" + std::to_string(i % 50) + R"(","uid":")" + uid +
         R"(","resourceVersion":")" + std::to_string(3000000 + i * 8 + revision) + R"(","generation":)" +
         (current ? "1" : "2") + R"(,"creationTimestamp":"2026-10-0)" + rev +
         R"(T12:00:00Z","labels":{"app":")" + name + R"(","pod-template-hash":")" + hash +
         R"("},"annotations":{"deployment.kubernetes.io/desired-replicas":"3","deployment.kubernetes.io/max-replicas":"4","deployment.kubernetes.io/revision":")" +
         rev + R"("},"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":")" + name +
         R"(","uid":"6f0c2f4e-8a1b-4c5d-9e2f-)" + std::to_string(100000000000 + i) +
         R"(","controller":true,"blockOwnerDeletion":true}],)"
         R"("managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2026-10-0)" +
         rev +
         R"(T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/desired-replicas":{},"f:deployment.kubernetes.io/max-replicas":{},"f:deployment.kubernetes.io/revision":{}},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"6f0c2f4e-8a1b-4c5d-9e2f-)" +
         std::to_string(100000000000 + i) +
         R"(\"}":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:env":{".":{},"k:{\"name\":\"LOG_LEVEL\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"POD_NAME\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:fieldRef":{}}}},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:readinessProbe":{".":{},"f:failureThreshold":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}},"f:periodSeconds":{},"f:successThreshold":{},"f:timeoutSeconds":{}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}},)"
         R"({"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2026-10-0)" +
         rev +
         R"(T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:availableReplicas":{},"f:fullyLabeledReplicas":{},"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{}}},"subresource":"status"}]},)"
         R"("spec":{"replicas":)" +
         replicas + R"(,"selector":{"matchLabels":{"app":")" + name + R"(","pod-template-hash":")" + hash +
         R"("}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":")" + name +
         R"(","pod-template-hash":")" + hash + R"("}},"spec":{"containers":[{"name":"app","image":")" +
         image +
         R"(","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],)"
         R"("env":[{"name":"LOG_LEVEL","value":"info"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],)"
         R"("resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},)"
         R"("readinessProbe":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTP"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},)"
         R"("terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],)"
         R"("restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}}},)"
         R"("status":)" +
         status + "}";
}

inline std::string make_deployment_list(int count) {
  std::string list =
      R"({"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"2000000"},"items":[)";
  for (int i = 0; i < count; ++i) {
    if (i) list += ',';
    list += make_deployment(i);
  }
  list += "]}";
  return list;
}

}  // namespace rollguard::bench
