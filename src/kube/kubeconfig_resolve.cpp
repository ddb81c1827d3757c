// Turns the merged kubeconfig model into a Config for one context, validating each field it uses
// the way kubectl's clientcmd validation does, and naming file, context and field on failure.
#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "kube/config_util.hpp"
#include "kube/kubeconfig_file.hpp"

namespace rollguard::kube::detail {
namespace {

// Where an error is: "kubeconfig <file>: context "<ctx>": <section> "<name>"".
struct Where {
  std::string file;
  std::string path;  // `context "prod": cluster "c1"`
  Error operator()(const std::string& what) const { return kubeconfig_error(file, path + ": " + what); }
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// A scalar field as a string: absent or null = "", anything but a scalar is an error.
Result<std::string> string_field(const YAML::Node& map, const char* key, const Where& where) {
  if (!map || !map.IsMap()) return std::string();
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return std::string();
  if (!node.IsScalar()) return where(std::string(key) + ": expected a string");
  return node.Scalar();
}

Result<bool> bool_field(const YAML::Node& map, const char* key, const Where& where) {
  if (!map || !map.IsMap()) return false;
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return where(std::string(key) + ": expected true or false");
  }
  return value;
}

// PEM material given inline (`<key>-data`, base64) or as a file (`<key>`, relative to the file's
// directory). kubectl refuses both at once ("... are both specified").
Result<std::string> pem_field(const YAML::Node& map, const std::string& key, const KubeconfigEntry& entry,
                              const Where& where) {
  const std::string data_key = key + "-data";
  auto path = string_field(map, key.c_str(), where);
  if (!path) return path.error();
  auto data = string_field(map, data_key.c_str(), where);
  if (!data) return data.error();
  if (!path->empty() && !data->empty()) return where(key + " and " + data_key + " are both set; use one");
  std::string pem;
  if (!data->empty()) {
    auto decoded = decode_base64(*data);
    if (!decoded) return where(data_key + ": invalid base64");
    if (!looks_like_pem(*decoded)) return where(data_key + ": not PEM data");
    return *decoded;
  }
  if (path->empty()) return std::string();
  const std::string full = resolve_path(entry.base_dir, *path);
  FileRead read = read_file(full);
  if (!read.ok) return where(key + ": cannot read " + full + ": " + read.error);
  if (!looks_like_pem(read.content)) return where(key + ": " + full + " is not a PEM file");
  return read.content;
}

// client-go accepts "host:port" without a scheme and defaults it to https.
Result<std::string> normalize_server(std::string server, const Where& where) {
  if (server.empty()) return where("server is empty");
  if (server.find("://") == std::string::npos) server = "https://" + server;
  while (server.size() > 1 && server.back() == '/') server.pop_back();
  auto url = boost::urls::parse_uri(server);
  if (!url) return where("server " + quoted(server) + ": invalid URL");
  if (url->scheme() != "https" && url->scheme() != "http") {
    return where("server " + quoted(server) + ": scheme must be https or http");
  }
  if (url->host().empty()) return where("server " + quoted(server) + ": no host");
  return server;
}

Result<void> apply_cluster(Config& config, const KubeconfigEntry& entry, const Where& where) {
  const YAML::Node& c = entry.body;
  auto server = string_field(c, "server", where);
  if (!server) return server.error();
  auto normalized = normalize_server(*server, where);
  if (!normalized) return normalized.error();
  config.server = *normalized;
  auto sni = string_field(c, "tls-server-name", where);
  if (!sni) return sni.error();
  config.tls_server_name = *sni;
  auto insecure = bool_field(c, "insecure-skip-tls-verify", where);
  if (!insecure) return insecure.error();
  config.insecure_skip_tls_verify = *insecure;
  auto ca = pem_field(c, "certificate-authority", entry, where);
  if (!ca) return ca.error();
  config.ca_pem = *ca;
  // client-go refuses a root CA together with the insecure flag: one of them is a mistake.
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    return where("insecure-skip-tls-verify cannot be combined with certificate-authority(-data)");
  }
  return {};
}

Result<ExecConfig> read_exec(const YAML::Node& node, const KubeconfigEntry& entry, const Where& user_where) {
  const Where where{user_where.file, user_where.path + ": exec"};
  if (!node.IsMap()) return where("expected a map");
  ExecConfig exec;
  auto api_version = string_field(node, "apiVersion", where);
  if (!api_version) return api_version.error();
  if (api_version->empty()) return where("apiVersion is empty");
  if (*api_version != "client.authentication.k8s.io/v1" &&
      *api_version != "client.authentication.k8s.io/v1beta1") {
    return where("apiVersion " + quoted(*api_version) +
                 " is not supported (use client.authentication.k8s.io/v1 or v1beta1)");
  }
  exec.api_version = *api_version;
  auto command = string_field(node, "command", where);
  if (!command) return command.error();
  if (command->empty()) return where("command is empty");
  exec.command = *command;
  if (const YAML::Node args = node["args"]; args && !args.IsNull()) {
    if (!args.IsSequence()) return where("args: expected a list of strings");
    for (const auto& arg : args) {
      if (!arg.IsScalar()) return where("args: expected a list of strings");
      exec.args.push_back(arg.Scalar());
    }
  }
  if (const YAML::Node env = node["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) return where("env: expected a list of {name, value}");
    for (std::size_t i = 0; i < env.size(); ++i) {
      const Where item{where.file, where.path + ": env[" + std::to_string(i) + "]"};
      if (!env[i].IsMap()) return item("expected a map with name and value");
      auto name = string_field(env[i], "name", item);
      if (!name) return name.error();
      if (name->empty() || name->find('=') != std::string::npos) return item("name is empty or contains '='");
      auto value = string_field(env[i], "value", item);
      if (!value) return value.error();
      exec.env.emplace_back(*name, *value);
    }
  }
  auto hint = string_field(node, "installHint", where);
  if (!hint) return hint.error();
  exec.install_hint = *hint;
  auto provide = bool_field(node, "provideClusterInfo", where);
  if (!provide) return provide.error();
  exec.provide_cluster_info = *provide;
  auto mode = string_field(node, "interactiveMode", where);
  if (!mode) return mode.error();
  // rollguard never has a terminal: a plugin that must prompt can never succeed.
  if (*mode == "Always") return where("interactiveMode Always is not supported (no terminal)");
  exec.base_dir = entry.base_dir;
  return exec;
}

Result<void> apply_user(Config& config, const KubeconfigEntry& entry, const Where& where) {
  const YAML::Node& u = entry.body;
  if (u && u.IsMap()) {
    if (u["auth-provider"]) return where("auth-provider is not supported; use an exec credential plugin");
    if (u["username"] || u["password"]) return where("username/password (basic auth) is not supported");
  }
  auto cert = pem_field(u, "client-certificate", entry, where);
  if (!cert) return cert.error();
  auto key = pem_field(u, "client-key", entry, where);
  if (!key) return key.error();
  if (!cert->empty() && key->empty()) return where("client-certificate is set without client-key");
  if (cert->empty() && !key->empty()) return where("client-key is set without client-certificate");
  config.client_certificate_pem = *cert;
  config.client_key_pem = *key;
  auto token = string_field(u, "token", where);
  if (!token) return token.error();
  config.token = *token;
  // Both token and tokenFile are allowed: like client-go's BearerTokenFile, the file's last
  // successfully read content takes precedence over the static token.
  auto token_file = string_field(u, "tokenFile", where);
  if (!token_file) return token_file.error();
  if (!token_file->empty()) {
    const std::string full = resolve_path(entry.base_dir, *token_file);
    FileRead read = read_file(full);
    if (!read.ok) return where("tokenFile: cannot read " + full + ": " + read.error);
    config.token_file = full;
  }
  if (u && u.IsMap()) {
    if (const YAML::Node exec = u["exec"]; exec && !exec.IsNull()) {
      auto parsed = read_exec(exec, entry, where);
      if (!parsed) return parsed.error();
      config.exec = std::move(*parsed);
    }
  }
  return {};
}

std::string joined(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ":") + f;
  return out.empty() ? "(no files)" : out;
}

}  // namespace

Result<Config> resolve_kubeconfig(const Kubeconfig& kubeconfig, const std::string& context) {
  const std::string files = joined(kubeconfig.files);
  const std::string name = context.empty() ? kubeconfig.current_context : context;
  if (name.empty()) return kubeconfig_error(files, "no current-context is set and no --context was given");
  const auto ctx = kubeconfig.contexts.find(name);
  if (ctx == kubeconfig.contexts.end()) {
    return kubeconfig_error(
        files, (context.empty() ? "current-context " : "context ") + quoted(name) + " not found");
  }
  try {
    const Where where{ctx->second.file, "context " + quoted(name)};
    Config config;
    config.context_name = name;
    config.source = ctx->second.file;
    auto cluster_name = string_field(ctx->second.body, "cluster", where);
    if (!cluster_name) return cluster_name.error();
    if (cluster_name->empty()) return where("cluster is not set");
    const auto cluster = kubeconfig.clusters.find(*cluster_name);
    if (cluster == kubeconfig.clusters.end()) return where("cluster " + quoted(*cluster_name) + " not found");
    auto user_name = string_field(ctx->second.body, "user", where);
    if (!user_name) return user_name.error();
    auto ns = string_field(ctx->second.body, "namespace", where);
    if (!ns) return ns.error();
    if (!ns->empty()) config.namespace_name = *ns;

    const Where cluster_where{cluster->second.file, where.path + ": cluster " + quoted(*cluster_name)};
    if (auto r = apply_cluster(config, cluster->second, cluster_where); !r) return r.error();
    // A context without a user is valid: requests go out without credentials.
    if (!user_name->empty()) {
      const auto user = kubeconfig.users.find(*user_name);
      if (user == kubeconfig.users.end()) return where("user " + quoted(*user_name) + " not found");
      const Where user_where{user->second.file, where.path + ": user " + quoted(*user_name)};
      if (auto r = apply_user(config, user->second, user_where); !r) return r.error();
    }
    if (config.insecure_skip_tls_verify) {
      spdlog::warn(
          "kubeconfig {}: context \"{}\": insecure-skip-tls-verify is set, the API server's "
          "certificate is NOT verified",
          config.source, name);
    }
    return config;
  } catch (const YAML::Exception& e) {
    // Defensive: the field helpers check node types, but no input may escape as an exception.
    return kubeconfig_error(ctx->second.file, "context " + quoted(name) + ": unexpected structure: " + e.msg);
  }
}

}  // namespace rollguard::kube::detail
