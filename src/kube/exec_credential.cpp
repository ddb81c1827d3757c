#include "kube/exec_credential.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "kube/config_util.hpp"
#include "kube/time.hpp"

namespace rollguard::kube::detail {
namespace json = boost::json;

Error exec_error(const ExecConfig& exec, const std::string& what) {
  return Error(ErrorKind::Config, "exec plugin \"" + exec.command + "\": " + what);
}

std::string exec_info_json(const ExecConfig& exec, const Config& config) {
  json::object spec;
  spec["interactive"] = false;
  if (exec.provide_cluster_info) {
    json::object cluster;
    cluster["server"] = config.server;
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    // []byte fields travel base64-encoded in JSON.
    if (!config.ca_pem.empty()) cluster["certificate-authority-data"] = encode_base64(config.ca_pem);
    spec["cluster"] = std::move(cluster);
  }
  json::object root;
  root["apiVersion"] = exec.api_version;
  root["kind"] = "ExecCredential";
  root["spec"] = std::move(spec);
  return json::serialize(root);
}

namespace {

// The string at `key` of `object`, or nullopt when absent; error when it is not a string.
Result<std::optional<std::string>> string_at(const json::object& object, const char* key,
                                             const ExecConfig& exec, const std::string& where) {
  const auto* v = object.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return exec_error(exec, where + key + ": expected a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

}  // namespace

Result<ExecCredentialStatus> parse_exec_credential(std::string_view stdout_text, const ExecConfig& exec) {
  boost::system::error_code ec;
  json::value doc = json::parse(stdout_text, ec);
  if (ec) return exec_error(exec, "output is not a JSON ExecCredential (" + ec.message() + ")");
  if (!doc.is_object()) return exec_error(exec, "output is not a JSON object");
  const json::object& root = doc.get_object();
  auto api_version = string_at(root, "apiVersion", exec, "");
  if (!api_version) return api_version.error();
  // client-go decodes the answer with the configured version and refuses any other.
  if (!*api_version || **api_version != exec.api_version) {
    return exec_error(exec, "returned apiVersion \"" + api_version->value_or("") + "\", expected \"" +
                                exec.api_version + "\"");
  }
  auto kind = string_at(root, "kind", exec, "");
  if (!kind) return kind.error();
  if (!*kind || **kind != "ExecCredential") {
    return exec_error(exec, "returned kind \"" + kind->value_or("") + "\", expected \"ExecCredential\"");
  }
  const auto* status_value = root.if_contains("status");
  if (status_value == nullptr || !status_value->is_object()) return exec_error(exec, "output has no status");
  const json::object& status = status_value->get_object();
  ExecCredentialStatus result;
  auto token = string_at(status, "token", exec, "status.");
  if (!token) return token.error();
  auto cert = string_at(status, "clientCertificateData", exec, "status.");
  if (!cert) return cert.error();
  auto key = string_at(status, "clientKeyData", exec, "status.");
  if (!key) return key.error();
  result.credentials.token = token->value_or("");
  result.credentials.client_certificate_pem = cert->value_or("");
  result.credentials.client_key_pem = key->value_or("");
  const bool has_cert = !result.credentials.client_certificate_pem.empty();
  const bool has_key = !result.credentials.client_key_pem.empty();
  if (has_cert != has_key) {
    return exec_error(exec, "status has only one of clientCertificateData and clientKeyData");
  }
  if (result.credentials.token.empty() && !has_cert) {
    return exec_error(exec, "status has neither a token nor a client certificate and key");
  }
  auto expiration = string_at(status, "expirationTimestamp", exec, "status.");
  if (!expiration) return expiration.error();
  if (*expiration) {
    result.expiration = parse_time(**expiration);
    if (!result.expiration) {
      return exec_error(exec, "status.expirationTimestamp \"" + **expiration + "\" is not an RFC 3339 time");
    }
  }
  return result;
}

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

Error not_found(const ExecConfig& exec, const std::string& what) {
  std::string message = what;
  // client-go shows the plugin's installHint exactly when the binary is missing.
  if (!exec.install_hint.empty()) message += "\n\n" + exec.install_hint;
  return exec_error(exec, message);
}

}  // namespace

Result<std::string> resolve_exec_command(const ExecConfig& exec, const std::string& path_env) {
  const std::string& command = exec.command;
  if (command.empty()) return exec_error(exec, "command is empty");
  if (command.find('/') != std::string::npos) {
    const std::string path = resolve_path(exec.base_dir, command);
    if (!is_executable_file(path))
      return not_found(exec, "executable " + path + " not found or not executable");
    return path;
  }
  std::size_t start = 0;
  while (start <= path_env.size()) {
    const auto colon = path_env.find(':', start);
    const auto end = colon == std::string::npos ? path_env.size() : colon;
    // An empty $PATH element means the current directory, as for execvp.
    const std::string dir = end > start ? path_env.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + command;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return not_found(exec, "executable not found in $PATH");
}

}  // namespace rollguard::kube::detail
