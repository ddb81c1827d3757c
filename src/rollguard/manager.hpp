#pragma once
// The controller process (controller-runtime's Manager): config and client, the cluster cache, the
// RollbackPolicy controller, leader election, events, health and metrics, and the shutdown order:
//   SIGTERM -> stop taking work, drain in-flight reconciles (bounded) -> release the Lease ->
//   flush events -> stop watches and servers -> exit 0.
// A leader that loses its Lease stops its workers at once and exits 1 (client-go's rule: a replica
// that lost leadership restarts rather than campaigning with stale state).
#include <chrono>
#include <string>
#include <vector>

#include "rollguard/logging.hpp"

namespace rollguard {

struct ManagerOptions {
  std::string kubeconfig;  // "" = $KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;
  std::vector<std::string> namespaces;  // empty = all namespaces
  bool leader_elect = true;
  std::string leader_election_namespace;  // "" = the pod's / kubeconfig context's namespace
  std::string leader_election_id = "rollguard-controller";
  std::string metrics_addr = "0.0.0.0:8080";  // "0" disables
  std::string health_addr = "0.0.0.0:8081";   // "0" disables
  // Reconciles at once. Start-up writes every policy's status once; at 4 those round trips, not
  // CPU, held 10,000 policies to 17.8 s (README, Benchmarks). 16 requests in flight is well inside
  // what API Priority and Fairness gives one controller's flow.
  int concurrency = 16;
  // Client-side token bucket on every API request; 0 = off (API Priority and Fairness throttles).
  double kube_api_qps = 0;
  int kube_api_burst = 0;
  int max_measurements = 32;  // SLO measurements in flight across all policies
  std::chrono::seconds drain_timeout{20};
  int alert_repeat_seconds = 60;  // an open incident's Alertmanager alert is re-posted this often
};

// Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns non-zero, logged).
int run_manager(const ManagerOptions& options);

// "host:port" -> (host, port); nullopt for junk. "0" means disabled and is not passed here.
std::optional<std::pair<std::string, unsigned short>> parse_address(const std::string& address);

}  // namespace rollguard
