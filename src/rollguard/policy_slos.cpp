// spec.slos: one Slo per item, exactly one kind each, names unique.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>

#include "rollguard/query_template.hpp"
#include "rollguard/spec_reader.hpp"

namespace rollguard::spec {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxSloNameLength = 63;
constexpr std::int64_t kMaxAttempts = 100;
constexpr std::int64_t kMaxRestarts = 1000000;

// A DNS label (RFC 1123), as the CRD pattern says: SLO names become metric label values and
// appear in messages, so they are kept plain.
bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > kMaxSloNameLength) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return alnum(s.front()) && alnum(s.back());
}

void check_template(const Reader& r, std::string_view key, std::string_view text) {
  for (auto& unknown : unknown_template_variables(text)) {
    if (unknown == "{{") {
      r.error(key, "unterminated \"{{\" in template");
    } else {
      r.error(key, "unknown template variable {{" + unknown +
                       "}} (known: namespace, deployment, podTemplateHash, revision, "
                       "lastKnownGoodPodTemplateHash, interval, policy)");
    }
  }
}

std::vector<HttpHeader> parse_headers(const Reader& r) {
  std::vector<HttpHeader> out;
  auto* headers = r.array("headers");
  if (!headers) return out;
  for (std::size_t i = 0; i < headers->size(); ++i) {
    auto path = r.path("headers") + "[" + std::to_string(i) + "]";
    auto* item = (*headers)[i].if_object();
    if (!item) {
      r.errors().push_back({path, "must be an object"});
      continue;
    }
    Reader h(item, path, r.errors());
    HttpHeader header;
    header.name = h.required_string("name");
    header.value = h.string("value").value_or("");
    if (h.has("valueFrom")) header.value_from = h.child("valueFrom").secret_key_ref("secretKeyRef");
    if (h.has("value") == h.has("valueFrom"))
      h.error("value", "set value or valueFrom.secretKeyRef, exactly one");
    out.push_back(std::move(header));
  }
  return out;
}

DeploymentSlo parse_deployment(const Reader& r) {
  DeploymentSlo out;
  if (auto ratio = r.number("minAvailableRatio")) {
    if (*ratio < 0 || *ratio > 1) {
      r.error("minAvailableRatio", "must be between 0 and 1, got " + json::serialize(json::value(*ratio)));
    } else {
      out.min_available_ratio = *ratio;
    }
  }
  if (auto b = r.boolean("failOnProgressDeadline")) out.fail_on_progress_deadline = *b;
  if (auto b = r.boolean("failOnReplicaFailure")) out.fail_on_replica_failure = *b;
  out.max_container_restarts =
      static_cast<int>(r.integer_in("maxContainerRestarts", -1, kMaxRestarts, out.max_container_restarts));
  return out;
}

HttpSlo parse_http(const Reader& r) {
  HttpSlo out;
  out.url = r.string("url").value_or("");
  if (auto path = r.string("path")) {
    if (!path->starts_with("/")) r.error("path", "must start with /");
    out.path = *path;
  }
  out.port = static_cast<int>(r.integer_in("port", 1, 65535, 0));
  if (!r.has("url") && !r.has("port"))
    r.errors().push_back({r.path(), "set url, or port (and path) to probe every new pod"});
  if (r.has("url") && r.has("port")) r.errors().push_back({r.path(), "set url or port, not both"});
  if (r.has("url") && !is_http_url(out.url)) r.error("url", "must be an http:// or https:// URL");
  if (auto scheme = r.string("scheme")) {
    if (*scheme != "http" && *scheme != "https") r.error("scheme", "must be http or https");
    out.scheme = *scheme;
  }
  if (auto* statuses = r.array("expectStatus")) {
    out.expect_status.clear();
    if (statuses->empty()) r.error("expectStatus", "must not be empty");
    for (std::size_t i = 0; i < statuses->size(); ++i) {
      auto& v = (*statuses)[i];
      auto path = r.path("expectStatus") + "[" + std::to_string(i) + "]";
      if (!v.is_int64() || v.get_int64() < 100 || v.get_int64() > 599) {
        r.errors().push_back({path, "must be an HTTP status between 100 and 599, got " + json::serialize(v)});
        continue;
      }
      out.expect_status.push_back(static_cast<int>(v.get_int64()));
    }
  }
  out.timeout = positive_duration(r, "timeout", out.timeout);
  out.attempts = static_cast<int>(r.integer_in("attempts", 1, kMaxAttempts, out.attempts));
  out.headers = parse_headers(r);
  return out;
}

PrometheusSlo parse_prometheus(const Reader& r) {
  PrometheusSlo out;
  out.address = r.required_string("address");
  if (!out.address.empty() && !is_http_url(out.address))
    r.error("address", "must be an http:// or https:// URL");
  out.query = r.required_string("query");
  check_template(r, "query", out.query);
  out.min = r.number("min");
  out.max = r.number("max");
  if (!r.has("min") && !r.has("max")) r.errors().push_back({r.path(), "set min, max or both"});
  if (out.min && out.max && *out.min > *out.max) r.error("min", "must not be greater than max");
  out.min_samples_query = r.string("minSamplesQuery").value_or("");
  check_template(r, "minSamplesQuery", out.min_samples_query);
  if (auto n = r.number("minSamples")) {
    if (*n < 0) r.error("minSamples", "must not be negative");
    out.min_samples = *n;
  }
  if (out.min_samples > 0 && out.min_samples_query.empty())
    r.error("minSamplesQuery", "required with minSamples");
  if (auto no_data = r.string("noData")) {
    if (*no_data == "Inconclusive") {
      out.no_data = NoDataPolicy::Inconclusive;
    } else if (*no_data == "Fail") {
      out.no_data = NoDataPolicy::Fail;
    } else if (*no_data == "Pass") {
      out.no_data = NoDataPolicy::Pass;
    } else {
      r.error("noData", "must be Inconclusive, Fail or Pass, got \"" + *no_data + "\"");
    }
  }
  out.timeout = positive_duration(r, "timeout", out.timeout);
  out.bearer_token = r.secret_key_ref("bearerTokenSecretRef");
  if (r.has("basicAuth")) {
    auto basic = r.child("basicAuth");
    if (!basic.has("usernameSecretRef")) basic.error("usernameSecretRef", "required");
    if (!basic.has("passwordSecretRef")) basic.error("passwordSecretRef", "required");
    out.basic_auth_username = basic.secret_key_ref("usernameSecretRef");
    out.basic_auth_password = basic.secret_key_ref("passwordSecretRef");
    if (r.has("bearerTokenSecretRef"))
      r.error("basicAuth", "set bearerTokenSecretRef or basicAuth, not both");
  }
  out.ca_bundle = r.secret_key_ref("caBundleSecretRef");
  return out;
}

WebhookSlo parse_webhook(const Reader& r) {
  WebhookSlo out;
  out.url = r.string("url").value_or("");
  out.url_from = r.secret_key_ref("urlSecretRef");
  if (r.has("url") == r.has("urlSecretRef"))
    r.errors().push_back({r.path(), "set url or urlSecretRef, exactly one"});
  if (r.has("url")) {
    if (!is_http_url(out.url)) r.error("url", "must be an http:// or https:// URL");
    check_template(r, "url", out.url);
  }
  out.timeout = positive_duration(r, "timeout", out.timeout);
  out.headers = parse_headers(r);
  return out;
}

constexpr std::string_view kKinds[] = {"deployment", "http", "prometheus", "webhook", "job"};

std::optional<Slo> parse_slo(const Reader& r, std::string name) {
  Slo slo;
  slo.name = std::move(name);
  std::vector<std::string_view> kinds;
  for (auto kind : kKinds) {
    if (r.has(kind)) kinds.push_back(kind);
  }
  if (kinds.empty()) {
    r.errors().push_back({r.path(), "no kind: set one of deployment, http, prometheus, webhook, job"});
    return std::nullopt;
  }
  if (kinds.size() > 1) {
    std::string names;
    for (auto k : kinds) names += (names.empty() ? "" : ", ") + std::string(k);
    r.errors().push_back({r.path(), "more than one kind (" + names + "): set exactly one"});
    return std::nullopt;
  }
  auto kind = kinds.front();
  auto body = r.child(kind);
  if (kind == "deployment") slo.check = parse_deployment(body);
  if (kind == "http") slo.check = parse_http(body);
  if (kind == "prometheus") slo.check = parse_prometheus(body);
  if (kind == "webhook") slo.check = parse_webhook(body);
  if (kind == "job") slo.check = parse_job(body);
  return slo;
}

}  // namespace

std::vector<Slo> parse_slos(const Reader& spec) {
  std::vector<Slo> out;
  auto* items = spec.array("slos");
  if (!items) return out;
  std::map<std::string, std::size_t> first_index;  // name -> index of its first SLO
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto path = spec.path("slos") + "[" + std::to_string(i) + "]";
    auto* item = (*items)[i].if_object();
    if (!item) {
      spec.errors().push_back({path, "must be an object"});
      continue;
    }
    Reader r(item, path, spec.errors());
    auto name = r.required_string("name");
    if (!name.empty() && !is_dns_label(name)) {
      r.error("name",
              "must be lowercase letters, digits and '-', at most 63, starting and ending alphanumeric");
    }
    auto slo = parse_slo(r, name);
    if (!name.empty()) {
      auto [it, inserted] = first_index.emplace(name, i);
      if (!inserted) {
        r.error("name",
                "duplicate SLO name \"" + name + "\" (also spec.slos[" + std::to_string(it->second) + "])");
        continue;
      }
    }
    if (slo) out.push_back(std::move(*slo));
  }
  return out;
}

}  // namespace rollguard::spec
