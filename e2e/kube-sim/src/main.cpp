// kube-sim: a Kubernetes API server emulator for rollguard's tests.
//   kube-sim --port 0 --kubeconfig-out PATH [--state-file PATH] [--insecure-http] [--token T]
//            [--pki-dir DIR] [--faults JSON] [--authorization AlwaysAllow|RBAC]
// Writes PATH once it serves; runs until SIGTERM/SIGINT, then saves state and exits 0.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "api_server.hpp"
#include "certificates.hpp"
#include "cluster.hpp"
#include "faults/fault_injector.hpp"
#include "kubeconfig.hpp"
#include "server.hpp"
#include "state_file.hpp"

namespace {
std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The certificates of --pki-dir: loaded when present, generated and kept otherwise, so a restarted
// kube-sim presents the same CA and clients' kubeconfigs stay valid.
std::optional<kubesim::CertificateBundle> pki_from_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path ca = fs::path(dir) / "ca.crt", cert = fs::path(dir) / "tls.crt",
                 key = fs::path(dir) / "tls.key";
  if (fs::exists(ca) && fs::exists(cert) && fs::exists(key)) {
    kubesim::CertificateBundle bundle;
    bundle.ca_pem = read_file(ca.string());
    bundle.cert_pem = read_file(cert.string());
    bundle.key_pem = read_file(key.string());
    return bundle;
  }
  auto bundle = kubesim::generate_certificates();
  if (!bundle) return std::nullopt;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!kubesim::write_file_atomically(ca.string(), bundle->ca_pem) ||
      !kubesim::write_file_atomically(cert.string(), bundle->cert_pem) ||
      !kubesim::write_file_atomically(key.string(), bundle->key_pem)) {
    return std::nullopt;
  }
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, ec);
  return bundle;
}

// The key that signs ServiceAccount tokens: kept in --pki-dir beside the CA, so tokens issued
// before a restart stay valid after it (with --state-file, their ServiceAccounts still exist).
std::string service_account_key(const std::string& dir) {
  namespace fs = std::filesystem;
  std::random_device rd;
  std::string fresh;
  for (int i = 0; i < 64; ++i) fresh += "abcdefghijklmnopqrstuvwxyz0123456789"[rd() % 36];
  if (dir.empty()) return fresh;
  const fs::path path = fs::path(dir) / "sa-signing.key";
  if (fs::exists(path)) return read_file(path.string());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!kubesim::write_file_atomically(path.string(), fresh)) return fresh;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
  return fresh;
}

std::string random_token() {
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 32; ++i) s += "abcdefghijklmnopqrstuvwxyz0123456789"[rd() % 36];
  return s;
}
// --feature-gates as the API server reads it ("A=true,B=false", values as strconv.ParseBool):
// returns an error message, or "" and the gates set.
std::string parse_feature_gates(const std::string& text, bool& watch_list) {
  std::stringstream in(text);
  std::string pair;
  while (std::getline(in, pair, ',')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string::npos) return "missing bool value for " + pair;
    const std::string key = pair.substr(0, eq), value = pair.substr(eq + 1);
    bool on;
    if (value == "1" || value == "t" || value == "T" || value == "true" || value == "TRUE" || value == "True") {
      on = true;
    } else if (value == "0" || value == "f" || value == "F" || value == "false" || value == "FALSE" ||
               value == "False") {
      on = false;
    } else {
      return "invalid value of " + key + "=" + value + ", err: strconv.ParseBool: parsing \"" + value +
             "\": invalid syntax";
    }
    if (key != "WatchList") return "unrecognized feature gate: " + key;
    watch_list = on;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kube-sim: a Kubernetes API server emulator"};
  unsigned short port = 0;
  std::string address = "127.0.0.1", kubeconfig_out, state_file, token, k8s_minor = "32";
  std::string cert_file, key_file, ca_file, log_level = "info";
  bool insecure_http = false;
  long continue_ttl = 300, bookmark_ms = 5000, save_interval = 5;
  std::size_t history = 10000;
  app.add_option("--port", port, "port to listen on (0 = pick a free one)");
  app.add_option("--address", address, "address to listen on");
  app.add_option("--kubeconfig-out", kubeconfig_out, "write a kubeconfig for this server here once it serves")
      ->required();
  app.add_option("--state-file", state_file, "load objects from / save them to this file");
  app.add_flag("--insecure-http", insecure_http, "serve plain HTTP instead of HTTPS");
  app.add_option("--token", token, "bearer token clients must present (generated when empty)");
  app.add_option("--k8s-minor", k8s_minor, "Kubernetes minor version reported by /version");
  app.add_option("--tls-cert-file", cert_file, "server certificate (PEM); generated with a CA when absent");
  app.add_option("--tls-key-file", key_file, "server private key (PEM)");
  app.add_option("--ca-file", ca_file, "CA certificate written to the kubeconfig (with --tls-cert-file)");
  app.add_option("--continue-ttl", continue_ttl, "seconds a list continue token stays valid");
  app.add_option("--bookmark-interval-ms", bookmark_ms, "interval between watch BOOKMARK events");
  app.add_option("--watch-history", history, "watch events kept for resuming (older: 410 Gone)");
  app.add_option("--state-save-interval", save_interval, "seconds between periodic state saves");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  double pod_ready_delay = 0.5, pod_start_delay = 0, controller_resync = 30;
  std::string targets_file, never_ready_marker = "never-ready", pod_runner_config;
  bool no_controllers = false;
  app.add_option("--pod-ready-delay", pod_ready_delay, "seconds from Running to Ready (0 allowed)");
  app.add_option("--pod-start-delay", pod_start_delay, "seconds from pod creation to Running");
  app.add_option("--controller-resync", controller_resync, "seconds between full controller resyncs");
  app.add_option("--targets-file", targets_file,
                 "write a Prometheus file_sd targets file of ready pods here");
  app.add_option("--never-ready-marker", never_ready_marker,
                 "pods whose image contains this never become Ready");
  app.add_option("--pod-runner-config", pod_runner_config,
                 "YAML mapping images to local commands (pods run as processes)");
  app.add_flag("--no-controllers", no_controllers,
               "serve the API only: no Deployment/ReplicaSet/Job/pod controllers");
  std::string faults_json, pki_dir;
  app.add_option("--faults", faults_json,
                 "faults to inject from the start, as JSON (see PUT /admin/faults), e.g. "
                 "'{\"errors\":[{\"verb\":\"list\",\"share\":0.1,\"code\":503}],\"watchCutSeconds\":1}'");
  app.add_option("--pki-dir", pki_dir,
                 "keep the generated CA, certificate and key here and reuse them on the next start");
  std::string feature_gates;
  app.add_option("--feature-gates", feature_gates,
                 "key=true|false pairs, comma separated, as the API server takes them; known: WatchList "
                 "(streaming lists, default true)");
  std::string authorization = "AlwaysAllow";
  app.add_option("--authorization", authorization,
                 "AlwaysAllow (every authenticated request) or RBAC (ServiceAccount tokens are "
                 "authorized by Roles, ClusterRoles and their bindings; the --token admin keeps every right)")
      ->check(CLI::IsMember({"AlwaysAllow", "RBAC"}));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));
  bool watch_list = true;
  if (auto gates = parse_feature_gates(feature_gates, watch_list); !gates.empty()) {
    std::fprintf(stderr, "kube-sim: --feature-gates: %s\n", gates.c_str());
    return 2;
  }

  if (token.empty()) token = random_token();
  boost::asio::io_context io;
  kubesim::ApiServerOptions api_options;
  api_options.token = token;
  api_options.k8s_minor = k8s_minor;
  api_options.authorization_mode = authorization;
  api_options.service_account_key = service_account_key(pki_dir);
  api_options.continue_ttl = std::chrono::seconds(continue_ttl);
  api_options.bookmark_interval = std::chrono::milliseconds(bookmark_ms);
  api_options.history_limit = history;
  api_options.watch_list = watch_list;
  kubesim::ApiServer api(io.get_executor(), api_options);

  if (!state_file.empty()) {
    std::string error;
    if (!kubesim::load_state(api, state_file, error)) {
      std::cerr << "kube-sim: " << error << "\n";
      return 1;
    }
  }

  // The cluster behind the API; started after a state-file restore so restored pods keep their IPs.
  std::unique_ptr<kubesim::cluster::Cluster> cluster;
  if (!no_controllers) {
    auto ms = [](double seconds) { return std::chrono::milliseconds(static_cast<long>(seconds * 1000)); };
    kubesim::cluster::ClusterOptions cluster_options;
    cluster_options.pod_ready_delay = ms(pod_ready_delay);
    cluster_options.pod_start_delay = ms(pod_start_delay);
    cluster_options.resync = ms(controller_resync);
    cluster_options.targets_file = targets_file;
    cluster_options.never_ready_marker = never_ready_marker;
    if (!pod_runner_config.empty()) {
      std::string error;
      auto runner = kubesim::cluster::parse_runner_config(read_file(pod_runner_config), error);
      if (!runner) {
        std::cerr << "kube-sim: " << error << "\n";
        return 1;
      }
      cluster_options.pod_runner = std::move(*runner);
    }
    cluster = std::make_unique<kubesim::cluster::Cluster>(io.get_executor(), api, token, cluster_options);
    cluster->start();
  }

  kubesim::ServerOptions server_options;
  server_options.address = address;
  server_options.port = port;
  server_options.tls = !insecure_http;
  std::string ca_pem;
  if (server_options.tls) {
    if (!cert_file.empty()) {
      server_options.cert_pem = read_file(cert_file);
      server_options.key_pem = read_file(key_file);
      ca_pem = ca_file.empty() ? server_options.cert_pem : read_file(ca_file);
    } else {
      auto bundle = pki_dir.empty() ? kubesim::generate_certificates() : pki_from_dir(pki_dir);
      if (!bundle) {
        std::cerr << "kube-sim: could not generate TLS certificates\n";
        return 1;
      }
      server_options.cert_pem = bundle->cert_pem;
      server_options.key_pem = bundle->key_pem;
      ca_pem = bundle->ca_pem;
    }
  }
  kubesim::Server server(io, api, server_options);
  if (!faults_json.empty()) {
    boost::json::error_code parse_error;
    auto body = boost::json::parse(faults_json, parse_error);
    std::string error = parse_error ? "not valid JSON: " + parse_error.message() : "";
    auto config = parse_error ? std::nullopt : kubesim::faults::parse_fault_config(body, error);
    if (!config) {
      std::cerr << "kube-sim: --faults: " << error << "\n";
      return 1;
    }
    server.faults().configure(std::move(*config));
    spdlog::warn("fault: configuration set to {}",
                 boost::json::serialize(kubesim::faults::to_json(server.faults().config())));
  }
  unsigned short bound = 0;
  try {
    bound = server.start();
  } catch (const std::exception& e) {
    std::cerr << "kube-sim: cannot listen on " << address << ":" << port << ": " << e.what() << "\n";
    return 1;
  }
  std::string url =
      std::string(insecure_http ? "http" : "https") + "://" + address + ":" + std::to_string(bound);
  if (!kubesim::write_file_atomically(kubeconfig_out, kubesim::kubeconfig_yaml(url, ca_pem, token))) {
    std::cerr << "kube-sim: cannot write " << kubeconfig_out << "\n";
    return 1;
  }
  spdlog::info("kube-sim serving {} (Kubernetes v1.{}), kubeconfig {}", url, k8s_minor, kubeconfig_out);

  // Periodic state saves, only when something changed since the last one.
  boost::asio::steady_timer save_timer(io);
  std::uint64_t saved_rv = api.store().resource_version();
  std::function<void()> schedule_save = [&] {
    save_timer.expires_after(std::chrono::seconds(std::max(1L, save_interval)));
    save_timer.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      if (api.store().resource_version() != saved_rv && kubesim::save_state(api, state_file))
        saved_rv = api.store().resource_version();
      schedule_save();
    });
  };
  if (!state_file.empty()) schedule_save();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int sig) {
    spdlog::info("kube-sim: signal {}, shutting down", sig);
    server.stop();
    if (cluster) cluster->shutdown();
    save_timer.cancel();
    if (!state_file.empty() && !kubesim::save_state(api, state_file))
      spdlog::error("kube-sim: could not save state to {}", state_file);
    io.stop();
  });
  std::signal(SIGPIPE, SIG_IGN);
  io.run();
  return 0;
}
