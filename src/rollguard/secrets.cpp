#include "rollguard/secrets.hpp"

#include <map>

#include "kube/config_util.hpp"

namespace rollguard {

namespace {

void add(std::set<std::pair<std::string, std::string>>& out, const std::optional<SecretKeyRef>& ref) {
  if (ref && !ref->name.empty()) out.emplace(ref->name, ref->key);
}

void add_headers(std::set<std::pair<std::string, std::string>>& out, const std::vector<HttpHeader>& headers) {
  for (auto& h : headers) add(out, h.value_from);
}

}  // namespace

std::set<std::pair<std::string, std::string>> secret_refs(const std::vector<Slo>& slos) {
  std::set<std::pair<std::string, std::string>> out;
  for (auto& slo : slos) {
    if (auto* http = std::get_if<HttpSlo>(&slo.check)) add_headers(out, http->headers);
    if (auto* prom = std::get_if<PrometheusSlo>(&slo.check)) {
      add(out, prom->bearer_token);
      add(out, prom->basic_auth_username);
      add(out, prom->basic_auth_password);
      add(out, prom->ca_bundle);
    }
    if (auto* hook = std::get_if<WebhookSlo>(&slo.check)) {
      add(out, hook->url_from);
      add_headers(out, hook->headers);
    }
  }
  return out;
}

boost::asio::awaitable<SecretLookup> resolve_secrets(
    std::shared_ptr<kube::Client> client, std::string ns,
    const std::set<std::pair<std::string, std::string>>& refs) {
  SecretLookup out;
  const auto secrets = kube::ResourceDescriptor::secrets();
  // One GET per Secret, however many of its keys are used.
  std::map<std::string, std::vector<std::string>> by_secret;
  for (auto& [name, key] : refs) by_secret[name].push_back(key);
  for (auto& [name, keys] : by_secret) {
    auto secret = co_await client->get(secrets, ns, name);
    for (auto& key : keys) {
      const std::string id = secret_key(SecretKeyRef{name, key});
      const std::string what = "secret \"" + name + "\" key \"" + key + "\"";
      if (!secret) {
        out.errors[id] =
            what + ": " +
            (secret.error().is_not_found() ? std::string("secret not found") : secret.error().describe());
        continue;
      }
      auto* data = secret->is_object() ? secret->get_object().if_contains("data") : nullptr;
      auto* value = data && data->is_object() ? data->get_object().if_contains(key) : nullptr;
      if (!value || !value->is_string()) {
        out.errors[id] = what + ": no such key in the secret";
        continue;
      }
      auto decoded = kube::detail::decode_base64(value->get_string());
      if (!decoded) {
        out.errors[id] = what + ": not valid base64";
        continue;
      }
      out.values[id] = std::move(*decoded);
    }
  }
  co_return out;
}

}  // namespace rollguard
