#include "rollguard/manager.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "kube/client.hpp"
#include "kube/config.hpp"
#include "rollguard/cluster_cache.hpp"
#include "rollguard/notifier.hpp"
#include "rollguard/policy_reconciler.hpp"
#include "runtime/event_recorder.hpp"
#include "runtime/event_writer_client.hpp"
#include "runtime/health_server.hpp"
#include "runtime/leader_elector.hpp"
#include "runtime/leadership.hpp"
#include "runtime/lease_lock.hpp"
#include "runtime/metrics.hpp"

namespace rollguard {

namespace asio = boost::asio;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The namespace this process runs in: POD_NAMESPACE (downward API), the service-account mount,
// then the kubeconfig context's namespace.
std::string own_namespace(const kube::Config& config) {
  if (auto ns = env("POD_NAMESPACE"); !ns.empty()) return ns;
  std::ifstream file("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  std::string ns;
  if (file && std::getline(file, ns) && !ns.empty()) return ns;
  return config.namespace_name.empty() ? "default" : config.namespace_name;
}

std::string pod_name() {
  if (auto name = env("POD_NAME"); !name.empty()) return name;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0]) return host;
  return "rollguard";
}

struct Server {
  std::unique_ptr<runtime::HealthServer> server;
  unsigned short port = 0;
};

std::optional<Server> start_server(asio::io_context& io, std::shared_ptr<prometheus::Registry> registry,
                                   const std::string& address, const std::string& what,
                                   const ClusterCache& cache, const std::function<bool()>& alive,
                                   std::function<void(std::string&)> metrics_text) {
  if (address == "0" || address.empty()) return Server{};
  auto parsed = parse_address(address);
  if (!parsed) {
    spdlog::error("--{}-addr {:?}: expected host:port", what, address);
    return std::nullopt;
  }
  Server s;
  s.server = std::make_unique<runtime::HealthServer>(io.get_executor(), registry);
  s.server->add_liveness_check("event-loop", alive);
  s.server->add_metrics_text(std::move(metrics_text));
  s.server->add_readiness_check("informers-synced", [&cache] { return cache.synced(); });
  auto port = s.server->listen(parsed->first, parsed->second);
  if (!port) {
    spdlog::error("--{}-addr {}: {}", what, address, port.error().describe());
    return std::nullopt;
  }
  s.port = *port;
  spdlog::info("serving {} on {}:{}", what, parsed->first, s.port);
  asio::co_spawn(io, s.server->run(), asio::detached);
  return s;
}

}  // namespace

std::optional<std::pair<std::string, unsigned short>> parse_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 >= address.size()) return std::nullopt;
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
    if (port > 65535) return std::nullopt;
  }
  return std::make_pair(host, static_cast<unsigned short>(port));
}

int run_manager(const ManagerOptions& options) {
  std::signal(SIGPIPE, SIG_IGN);
  kube::KubeconfigOptions kubeconfig;
  kubeconfig.explicit_path = options.kubeconfig;
  kubeconfig.context = options.context;
  auto config = kube::load_default(kubeconfig);
  if (!config) {
    spdlog::error("cannot load the cluster configuration: {}", config.error().describe());
    return 1;
  }
  spdlog::info("API server {} (from {})", config->server, config->source);

  asio::io_context io;
  auto clock = runtime::Clock::real();
  auto registry = std::make_shared<prometheus::Registry>();
  kube::ClientOptions client_options;
  client_options.qps = options.kube_api_qps;
  client_options.burst = std::max(options.kube_api_burst, static_cast<int>(options.kube_api_qps));
  // Every worker may hold a connection; fewer idle ones would reopen a connection per status write.
  client_options.max_idle_connections = std::max(client_options.max_idle_connections, options.concurrency);
  auto client = kube::Client::create(io.get_executor(), *config, client_options);
  if (!client) {
    spdlog::error("cannot create the API client: {}", client.error().describe());
    return 1;
  }

  ClusterCache cache(*client, options.namespaces, registry);
  const std::string identity = runtime::make_identity(pod_name(), runtime::default_random());
  std::unique_ptr<runtime::LeaderElector> elector;
  if (options.leader_elect) {
    runtime::LeaderElectionConfig election;
    election.lease_namespace = options.leader_election_namespace.empty() ? own_namespace(*config)
                                                                         : options.leader_election_namespace;
    election.lease_name = options.leader_election_id;
    election.identity = identity;
    if (auto invalid = runtime::validate(election)) {
      spdlog::error("leader election: {}", *invalid);
      return 1;
    }
    spdlog::info("leader election on Lease {}/{} as {}", election.lease_namespace, election.lease_name,
                 identity);
    elector = std::make_unique<runtime::LeaderElector>(
        runtime::client_lease_lock(*client, election.lease_namespace, election.lease_name), clock, election,
        runtime::default_random());
  }
  // Every write (status, Deployment patches, Events) checks this guard right before it is sent;
  // workers run only while it leads.
  auto leadership = elector ? runtime::LeadershipGuard() : runtime::LeadershipGuard::always();
  auto may_write = [leadership] { return leadership.is_leader(); };
  auto leading_metric = runtime::prometheus_leader_metric(*registry, options.leader_election_id);
  leading_metric(!elector);

  runtime::EventRecorderOptions event_options;
  event_options.reporting_instance = identity;
  event_options.leadership = leadership;
  runtime::EventRecorder events(runtime::client_event_writer(*client), clock, event_options);

  NotifierOptions notifier_options;
  notifier_options.alert_repeat = std::chrono::seconds(options.alert_repeat_seconds);
  auto notifier = std::make_shared<Notifier>(io.get_executor(), *client, clock, *registry, notifier_options);
  ReconcilerContext context{.client = *client,
                            .cluster = &cache,
                            .events = &events,
                            .clock = clock,
                            .registry = registry,
                            .may_write = may_write,
                            .max_measurements = options.max_measurements,
                            .executor = io.get_executor(),
                            .notifier = notifier};
  auto reconciler = std::make_shared<PolicyReconciler>(context);
  runtime::ControllerOptions controller_options;
  controller_options.name = "rollbackpolicy";
  controller_options.workers = std::max(1, options.concurrency);
  controller_options.leadership = leadership;
  controller_options.metrics = runtime::prometheus_reconcile_metrics(*registry, "rollbackpolicy");
  runtime::Controller controller(
      clock, controller_options, [reconciler](runtime::Request r) { return (*reconciler)(std::move(r)); },
      runtime::prometheus_queue_metrics(*registry, "rollbackpolicy"));
  cache.connect(controller);
  // A confirmed delivery is written to the policy's status by its next reconcile.
  notifier->on_confirmed([&controller](const std::string& ns, const std::string& name) {
    controller.enqueue(runtime::Request{ns, name});
  });

  auto alive = [] { return true; };
  auto metrics_text = [reconciler](std::string& out) { reconciler->append_metrics_text(out); };
  auto metrics_server =
      start_server(io, registry, options.metrics_addr, "metrics", cache, alive, metrics_text);
  auto health_server = start_server(io, registry, options.health_addr, "health", cache, alive, metrics_text);
  if (!metrics_server || !health_server) return 1;

  cache.start(io.get_executor(), clock);
  asio::co_spawn(io, events.run(), asio::detached);
  notifier->start();

  int exit_code = 0;
  bool stopping = false;
  bool controller_running = false;
  auto drain_timer = std::make_shared<asio::steady_timer>(io);
  // The last step of every shutdown path: everything else stops, io.run() returns.
  auto stop_everything = [&] {
    cache.stop();
    events.shut_down();
    notifier->stop();
    if (metrics_server->server) metrics_server->server->stop();
    if (health_server->server) health_server->server->stop();
    drain_timer->cancel();
  };
  auto start_controller = [&] {
    controller_running = true;
    asio::co_spawn(io, controller.run(), [&](std::exception_ptr) {
      controller_running = false;
      drain_timer->cancel();
      // Drained: give up the Lease now, so a standby takes over without waiting it out.
      if (elector) {
        elector->shut_down();
      } else {
        stop_everything();
      }
    });
  };

  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received {}, draining (at most {} s)", signal == SIGTERM ? "SIGTERM" : "SIGINT",
                 options.drain_timeout.count());
    stopping = true;
    controller.shut_down();
    if (!controller_running) {
      if (elector) {
        elector->shut_down();
      } else {
        stop_everything();
      }
      return;
    }
    drain_timer->expires_after(options.drain_timeout);
    drain_timer->async_wait([&](boost::system::error_code timer_ec) {
      if (timer_ec || !controller_running) return;
      spdlog::warn("drain timeout: {} reconciles still running; stopping anyway", controller.queue().len());
      if (elector) elector->shut_down();
      stop_everything();
    });
  });

  if (elector) {
    // The controller waits for the guard to lead before its workers take keys, so it starts now.
    start_controller();
    runtime::LeaderCallbacks callbacks;
    callbacks.on_started_leading = [&] {
      leading_metric(true);
      spdlog::info("leading as {}", identity);
    };
    callbacks.on_stopped_leading = [&] {
      leading_metric(false);
      // Workers stop taking keys at once; the leadership guard already refuses writes.
      controller.shut_down();
      if (!stopping) {
        spdlog::error("lost the leader Lease; exiting so that a fresh process campaigns again");
        exit_code = 1;
      }
    };
    callbacks.on_new_leader = [&](const std::string& holder) {
      if (holder != identity) spdlog::info("leader is now {}", holder.empty() ? "nobody" : holder);
    };
    asio::co_spawn(io, elector->run(leadership.callbacks(std::move(callbacks))), [&](std::exception_ptr) {
      signals.cancel();
      stop_everything();
    });
  } else {
    start_controller();
  }

  io.run();
  spdlog::info("stopped (exit {})", exit_code);
  return exit_code;
}

}  // namespace rollguard
