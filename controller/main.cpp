// rollguard-controller: flags in, run_manager out. Everything else lives in src/rollguard.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "rollguard/logging.hpp"
#include "rollguard/manager.hpp"

int main(int argc, char** argv) {
  rollguard::ManagerOptions options;
  std::string log_format = "text", log_level = "info";
  CLI::App app{"rollguard-controller: rolls Deployments back when their RollbackPolicy SLOs are breached"};
  app.add_option("--kubeconfig", options.kubeconfig,
                 "kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)");
  app.add_option("--context", options.context, "kubeconfig context");
  app.add_option("--namespace,-n", options.namespaces, "namespace to watch (repeatable; default: all)");
  // A flag that also takes a value: --leader-elect, --leader-elect=false.
  app.add_flag("--leader-elect", options.leader_elect,
               "elect a leader among replicas on a Lease (default true)");
  app.add_option("--leader-election-namespace", options.leader_election_namespace,
                 "namespace of the Lease (default: the pod's namespace)");
  app.add_option("--leader-election-id", options.leader_election_id, "name of the Lease")
      ->capture_default_str();
  app.add_option("--metrics-addr", options.metrics_addr, "host:port of /metrics (0 = off)")
      ->capture_default_str();
  app.add_option("--health-addr", options.health_addr, "host:port of /healthz and /readyz (0 = off)")
      ->capture_default_str();
  app.add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "policies reconciled at once")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--kube-api-qps", options.kube_api_qps,
                 "client-side limit of API requests per second (0 = none: API Priority and Fairness)")
      ->check(CLI::Range(0.0, 10000.0))
      ->capture_default_str();
  app.add_option("--kube-api-burst", options.kube_api_burst,
                 "requests allowed at once above --kube-api-qps (default: the QPS)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--max-measurements", options.max_measurements, "SLO measurements in flight at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option(
         "--alert-repeat", options.alert_repeat_seconds,
         "seconds between re-posts of an open incident's alert to Alertmanager (it ends after 4 of them)")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto format = log_format == "json" ? rollguard::LogFormat::Json : rollguard::LogFormat::Text;
  if (auto error = rollguard::setup_logging(format, log_level)) {
    std::fprintf(stderr, "rollguard-controller: %s\n", error->c_str());
    return 2;
  }
  return rollguard::run_manager(options);
}
