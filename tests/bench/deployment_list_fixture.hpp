#pragma once
// A realistic DeploymentList: what a list of a busy cluster's Deployments looks like on the wire
// (managedFields, last-applied annotation, a full pod template, status with conditions).
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
