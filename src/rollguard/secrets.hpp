#pragma once
// Secret values an evaluation needs. The controller reads each Secret by name when a measurement
// needs it (RBAC: get, never list or watch, so it can never enumerate a namespace's Secrets) and
// keeps the values only for the evaluation. Values are never logged, never put in status or
// Events; errors name the Secret and key, not the value.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <set>
#include <string>

#include "kube/client.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

// Every SecretKeyRef the SLOs use (auth, CA bundles, header values, webhook URLs).
std::set<std::pair<std::string, std::string>> secret_refs(const std::vector<Slo>& slos);

struct SecretLookup {
  ResolvedSecrets values;
  // "secret \"prom-auth\" key \"token\": not found" per ref that could not be read; the SLOs that
  // need them are Inconclusive with this message.
  std::map<std::string, std::string> errors;
};

boost::asio::awaitable<SecretLookup> resolve_secrets(
    std::shared_ptr<kube::Client> client, std::string ns,
    const std::set<std::pair<std::string, std::string>>& refs);

}  // namespace rollguard
