// rollguard-lease-probe: one leader-election candidate as its own process, for tests that check
// "never two leaders" from the candidates' own records. It campaigns on a Lease with the real
// LeaderElector and kube::Client and writes one line per transition to stdout, flushed at once, with
// the wall-clock time in ns since the epoch (the test runs every probe on one machine, so the clocks
// of different probes compare):
//   START <ns> <identity>
//   LEADING <ns>            on_started_leading ran
//   STOPPED <ns>            on_stopped_leading ran
//   NEW_LEADER <holder> <ns> the observed holder changed ("" when released)
//   EXIT <ns> <code>
// With --write-every-ms N the probe also runs a Controller scoped to its leadership (a
// LeadershipGuard driven by the elector) whose reconciler creates a ConfigMap every N ms, named
// <identity>-<seq>, labelled rollguard.io/probe-write=<lease name>, data {writer, sentNs}. Then:
//   LEADING <ns> <lease resourceVersion>   the resourceVersion of the write that acquired the Lease
//   WRITE <sent ns> <acked ns> <resourceVersion> <name>
//   WRITE_FAILED <sent ns> <error>          (a failed create may still have been stored)
//   WRITE_REFUSED <ns>                      the guard refused: not leading
// so a test can check, from the server's own order (resourceVersions), that no write of a former
// leader landed after the next leader acquired the Lease.
// SIGTERM/SIGINT shut the elector down (a leader steps down and releases the Lease) and exit 0. A
// leader that loses the Lease exits with 2 and never campaigns again, as client-go's callers do.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include "kube/client.hpp"
#include "kube/config.hpp"
#include "runtime/controller.hpp"
#include "runtime/leader_elector.hpp"
#include "runtime/leadership.hpp"

namespace {

namespace asio = boost::asio;
using namespace rollguard;

long long wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One write per line and an immediate flush: the test reads the file while the probe runs, and a
// probe killed hard must not lose lines it already "printed".
void emit(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// The reconciler of --write-every-ms: one ConfigMap per reconcile while the guard allows it.
runtime::Reconciler stamping_reconciler(std::shared_ptr<kube::Client> client, runtime::LeadershipGuard guard,
                                        std::string identity, std::string lease_name,
                                        std::chrono::milliseconds every) {
  auto sequence = std::make_shared<long>(0);
  return [=](runtime::Request request) -> asio::awaitable<runtime::ReconcileResult> {
    const auto next = runtime::Action::requeue(every);
    if (auto allowed = guard.check("creating a ConfigMap"); !allowed) {
      emit("WRITE_REFUSED " + std::to_string(wall_ns()));
      co_return runtime::ReconcileError::from(allowed.error());
    }
    const long long sent = wall_ns();
    const std::string name = identity + "-" + std::to_string(++*sequence);
    const boost::json::value body = boost::json::object{
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata",
         boost::json::object{{"name", name},
                             {"namespace", request.ns},
                             {"labels", boost::json::object{{"rollguard.io/probe-write", lease_name}}}}},
        {"data", boost::json::object{{"writer", identity}, {"sentNs", std::to_string(sent)}}}};
    const auto resource = kube::ResourceDescriptor::config_maps();
    kube::WriteOptions options;
    auto created = co_await client->create(resource, request.ns, body, options);
    if (!created) {
      emit("WRITE_FAILED " + std::to_string(sent) + " " + created.error().describe());
      co_return next;
    }
    const auto* rv = created->as_object().at("metadata").as_object().if_contains("resourceVersion");
    emit("WRITE " + std::to_string(sent) + " " + std::to_string(wall_ns()) + " " +
         (rv && rv->is_string() ? std::string(rv->as_string()) : std::string("?")) + " " + name);
    co_return next;
  };
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rollguard-lease-probe: a leader-election candidate that logs its transitions"};
  std::string kubeconfig, identity, ns = "default", lease_name = "rollguard-lease-probe";
  long lease_ms = 15000, renew_ms = 10000, retry_ms = 2000, request_timeout_ms = 0, write_every_ms = 0,
       linger_ms = 0;
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig of the API server")->required();
  app.add_option("--identity", identity, "this candidate's holderIdentity")->required();
  app.add_option("--namespace", ns, "namespace of the Lease");
  app.add_option("--lease-name", lease_name, "name of the Lease");
  app.add_option("--lease-duration-ms", lease_ms, "leaseDuration");
  app.add_option("--renew-deadline-ms", renew_ms, "renewDeadline");
  app.add_option("--retry-period-ms", retry_ms, "retryPeriod");
  app.add_option("--request-timeout-ms", request_timeout_ms, "per-request timeout (default: renewDeadline)");
  app.add_option("--write-every-ms", write_every_ms,
                 "while leading, create a ConfigMap this often (0: never)");
  app.add_option(
      "--linger-ms", linger_ms,
      "after losing the Lease, keep the process (and its controller) alive this long before exiting");
  CLI11_PARSE(app, argc, argv);

  runtime::LeaderElectionConfig config;
  config.lease_namespace = ns;
  config.lease_name = lease_name;
  config.identity = identity;
  config.lease_duration = std::chrono::milliseconds(lease_ms);
  config.renew_deadline = std::chrono::milliseconds(renew_ms);
  config.retry_period = std::chrono::milliseconds(retry_ms);
  if (auto invalid = runtime::validate(config)) {
    std::fprintf(stderr, "rollguard-lease-probe: %s\n", invalid->c_str());
    return 1;
  }

  kube::KubeconfigOptions kubeconfig_options;
  kubeconfig_options.explicit_path = kubeconfig;
  auto loaded = kube::load_kubeconfig(kubeconfig_options);
  if (!loaded) {
    std::fprintf(stderr, "rollguard-lease-probe: %s\n", loaded.error().describe().c_str());
    return 1;
  }
  asio::io_context io;
  kube::ClientOptions client_options;
  // A request that outlives renewDeadline cannot help a leader any more (client-go bounds a
  // renewal by it too); the elector's watchdog does not depend on it.
  client_options.request_timeout =
      std::chrono::milliseconds(request_timeout_ms > 0 ? request_timeout_ms : renew_ms);
  auto client = kube::Client::create(io.get_executor(), *loaded, client_options);
  if (!client) {
    std::fprintf(stderr, "rollguard-lease-probe: %s\n", client.error().describe().c_str());
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);

  runtime::LeaderElector elector(runtime::client_lease_lock(*client, ns, lease_name), runtime::Clock::real(),
                                 config, runtime::default_random());
  bool shutting_down = false, led = false, done = false;
  runtime::LeadershipGuard guard;
  std::unique_ptr<runtime::Controller> controller;
  if (write_every_ms > 0) {
    runtime::ControllerOptions controller_options;
    controller_options.name = "probe-writer";
    controller_options.workers = 1;
    controller_options.leadership = guard;
    controller = std::make_unique<runtime::Controller>(
        runtime::Clock::real(), controller_options,
        stamping_reconciler(*client, guard, identity, lease_name, std::chrono::milliseconds(write_every_ms)));
    controller->enqueue({ns, "writer"});
  }
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    shutting_down = true;
    elector.shut_down();
  });

  emit("START " + std::to_string(wall_ns()) + " " + identity);
  runtime::LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&] {
    led = true;
    emit("LEADING " + std::to_string(wall_ns()) + " " + elector.observation().resource_version);
  };
  callbacks.on_stopped_leading = [&] { emit("STOPPED " + std::to_string(wall_ns())); };
  callbacks.on_new_leader = [&](const std::string& holder) {
    emit("NEW_LEADER " + (holder.empty() ? std::string("\"\"") : holder) + " " + std::to_string(wall_ns()));
  };
  // The guard is updated before the probe's own lines: STOPPED is logged after writes are refused.
  // --linger-ms: a process that lost the Lease does not vanish at once (it drains, flushes, exits
  // slowly); meanwhile the guard alone must keep it from writing.
  asio::steady_timer linger(io);
  asio::co_spawn(io, elector.run(guard.callbacks(std::move(callbacks))), [&](std::exception_ptr error) {
    done = true;
    signals.cancel();
    if (error) std::rethrow_exception(error);
    if (!controller) return;
    // It may still wait for a leadership that never came.
    if (shutting_down || linger_ms <= 0) {
      controller->shut_down();
      return;
    }
    emit("LINGER " + std::to_string(wall_ns()));
    linger.expires_after(std::chrono::milliseconds(linger_ms));
    linger.async_wait([&](boost::system::error_code) { controller->shut_down(); });
  });
  if (controller) {
    asio::co_spawn(io, controller->run(), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
  }
  io.run();

  const int code = done && !shutting_down && led ? 2 : 0;
  emit("EXIT " + std::to_string(wall_ns()) + " " + std::to_string(code));
  return code;
}
