// kubectl-rollguard: the kubectl plugin (`kubectl rollguard ...`). Flags in, a command out; the
// commands live in commands.cpp, what they print in render.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "rollback_request.hpp"
#include "rollguard/duration.hpp"

namespace plugin = rollguard::plugin;

int main(int argc, char** argv) {
  CLI::App app{
      "kubectl rollguard: what rollguard is doing to your Deployments, and a hand on the wheel.\n"
      "Exit codes: 0 done, 1 failed (not found, refused, rollback failed), 2 usage or bad input, 3 timed "
      "out."};
  app.name("kubectl rollguard");
  app.set_version_flag("--version", "kubectl-rollguard " ROLLGUARD_VERSION);
  app.require_subcommand(1, 1);
  // Global flags may stand before or after the subcommand, as with kubectl.
  app.fallthrough();

  plugin::ConnectionFlags connection;
  app.add_option("--kubeconfig", connection.kubeconfig,
                 "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)");
  app.add_option("--context", connection.context, "kubeconfig context (default: current-context)");
  app.add_option("-n,--namespace", connection.ns, "namespace (default: the context's namespace)");

  plugin::StatusFlags status_flags;
  auto* status =
      app.add_subcommand("status", "the policies' phase, revisions and failing SLOs; with POLICY in detail");
  status->add_option("POLICY", status_flags.policy, "one policy in detail");
  status->add_flag("-A,--all-namespaces", status_flags.all_namespaces, "policies of every namespace");

  std::string policy;
  auto* timeline =
      app.add_subcommand("timeline", "the incident history of a policy, with times and durations");
  timeline->add_option("POLICY", policy, "the RollbackPolicy")->required();
  auto* why = app.add_subcommand("why", "the last decision and the measurements behind it");
  why->add_option("POLICY", policy, "the RollbackPolicy")->required();
  auto* pause = app.add_subcommand("pause", "spec.paused: true (measure and report, never roll back)");
  pause->add_option("POLICY", policy, "the RollbackPolicy")->required();
  auto* resume = app.add_subcommand("resume", "spec.paused: false");
  resume->add_option("POLICY", policy, "the RollbackPolicy")->required();

  plugin::RollbackFlags rollback_flags;
  std::string timeout_text = "5m";
  bool no_wait = false;
  auto* rollback = app.add_subcommand(
      "rollback", "roll the policy's Deployment back to a revision (spec.manualRollback) and follow it");
  rollback->add_option("POLICY", rollback_flags.policy, "the RollbackPolicy")->required();
  rollback->add_option("--to-revision", rollback_flags.to_revision, "the Deployment revision to restore")
      ->required()
      ->check(CLI::PositiveNumber);
  rollback->add_option("--reason", rollback_flags.reason,
                       "why, kept in the annotation rollguard.io/manual-rollback-reason");
  rollback->add_option("--request-id", rollback_flags.request_id,
                       "the requestId (e.g. an incident number; default: a fresh kubectl-<time>-<random>)");
  rollback->add_option("--timeout", timeout_text, "how long to follow the rollback (e.g. 90s, 5m)")
      ->capture_default_str();
  rollback->add_flag("--no-wait", no_wait, "write the request and return");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, the version or the error
    return code == 0 ? plugin::kExitOk : plugin::kExitUsage;
  }

  if (rollback->parsed()) {
    const auto timeout = rollguard::parse_duration(timeout_text);
    if (!timeout.ok()) {
      std::cerr << "error: --timeout " << timeout_text << ": " << timeout.error << "\n";
      return plugin::kExitUsage;
    }
    rollback_flags.timeout = timeout.value;
    rollback_flags.wait = !no_wait;
  }

  auto session = plugin::Session::open(connection);
  if (!session) {
    std::cerr << "error: " << session.error().describe() << "\n";
    return plugin::kExitFailed;
  }
  auto& s = **session;
  if (status->parsed()) return plugin::run_status(s, status_flags, std::cout, std::cerr);
  if (timeline->parsed()) return plugin::run_timeline(s, policy, std::cout, std::cerr);
  if (why->parsed()) return plugin::run_why(s, policy, std::cout, std::cerr);
  if (pause->parsed()) return plugin::run_set_paused(s, policy, true, std::cout, std::cerr);
  if (resume->parsed()) return plugin::run_set_paused(s, policy, false, std::cout, std::cerr);
  return plugin::run_rollback(s, rollback_flags, std::cout, std::cerr);
}
