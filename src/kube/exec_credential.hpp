#pragma once
// The client.authentication.k8s.io ExecCredential protocol, without any process handling (internal
// to src/kube): the KUBERNETES_EXEC_INFO input, the plugin's answer, command lookup.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kube/auth.hpp"
#include "kube/config.hpp"
#include "kube/result.hpp"

namespace rollguard::kube::detail {

// The ExecCredential given to the plugin in KUBERNETES_EXEC_INFO: spec.interactive is always false
// (rollguard has no terminal); spec.cluster is filled only when provideClusterInfo is set.
std::string exec_info_json(const ExecConfig& exec, const Config& config);

struct ExecCredentialStatus {
  Credentials credentials;
  // nullopt = no expirationTimestamp: valid until the server answers 401.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

// Decodes the plugin's stdout. The error never quotes the output: it may hold a token.
Result<ExecCredentialStatus> parse_exec_credential(std::string_view stdout_text, const ExecConfig& exec);

// client-go's lookup: an absolute command as is; one containing a slash relative to the kubeconfig's
// directory; a bare name through $PATH (path_env). Errors say the command was not found, with the
// plugin's installHint.
Result<std::string> resolve_exec_command(const ExecConfig& exec, const std::string& path_env);

// "exec plugin \"<command>\": <what>" as a Config error.
Error exec_error(const ExecConfig& exec, const std::string& what);

}  // namespace rollguard::kube::detail
