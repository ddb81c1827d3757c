// Who a request is and what it may do: the bearer token's user (the admin token, or a
// ServiceAccount token TokenRequest issued), the RBAC decision over the store's RBAC objects, the
// TokenRequest subresource, and the self-reviews kubectl asks (`auth can-i`, `auth whoami`).
#include <spdlog/spdlog.h>

#include "api_server.hpp"
#include "auth/auth_protobuf.hpp"
#include "auth/bootstrap_policy.hpp"
#include "auth/rbac_authorizer.hpp"
#include "auth/service_account_token.hpp"
#include "body.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
const std::string kRbacGroup = "rbac.authorization.k8s.io";

// The RBAC objects as the store holds them right now (every request sees the latest bindings).
class StorePolicySource : public auth::PolicySource {
 public:
  explicit StorePolicySource(const Store& store) : store_(store) {}
  std::vector<const json::object*> cluster_role_bindings() const override {
    return keep(store_.list(kRbacGroup, "clusterrolebindings", ""));
  }
  std::vector<const json::object*> role_bindings(const std::string& ns) const override {
    return keep(store_.list(kRbacGroup, "rolebindings", ns));
  }
  const json::object* cluster_role(const std::string& name) const override {
    return keep_one(store_.get(ObjectKey{kRbacGroup, "clusterroles", "", name}));
  }
  const json::object* role(const std::string& ns, const std::string& name) const override {
    return keep_one(store_.get(ObjectKey{kRbacGroup, "roles", ns, name}));
  }

 private:
  std::vector<const json::object*> keep(std::vector<std::pair<ObjectKey, ObjectPtr>> objects) const {
    std::vector<const json::object*> out;
    for (auto& [key, o] : objects) out.push_back(keep_one(o));
    return out;
  }
  const json::object* keep_one(ObjectPtr o) const {
    if (!o) return nullptr;
    held_.push_back(o);
    return o.get();
  }
  const Store& store_;
  mutable std::vector<ObjectPtr> held_;  // alive until the decision is made
};

bool has_group(const auth::UserInfo& u, const char* group) {
  return std::find(u.groups.begin(), u.groups.end(), group) != u.groups.end();
}

ApiError forbidden(const auth::RequestAttributes& a, const std::string& reason) {
  std::string message = auth::forbidden_message(a);
  if (!reason.empty()) message += ": " + reason;
  ApiError e;
  e.code = 403;
  e.reason = "Forbidden";
  // apierrors.NewForbidden: `RESOURCE[.GROUP] ["NAME"] is forbidden: ...`, `forbidden: ...` for paths.
  if (!a.resource_request || a.resource.empty()) {
    e.message = "forbidden: " + message;
    return e;
  }
  const GroupResource gr{a.api_group, a.resource};
  e.message = gr.str() + (a.name.empty() ? "" : " \"" + a.name + "\"") + " is forbidden: " + message;
  e.details = json::object{{"kind", a.resource}};
  if (!a.name.empty()) e.details["name"] = a.name;
  if (!a.api_group.empty()) e.details["group"] = a.api_group;
  return e;
}

std::string str_at(const json::object& o, const char* field) {
  const auto* v = o.if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// The request's object: JSON or YAML, or kubectl's protobuf for the kinds handled here.
Result<json::object> auth_request_body(const HttpRequest& req) {
  if (req.content_type.find("protobuf") != std::string::npos) {
    auto decoded = auth::decode_auth_protobuf(req.body);
    if (!decoded) return unsupported_media_type(req.content_type);
    return std::move(*decoded);
  }
  auto body = parse_body(req.body, req.content_type);
  if (!body) return body.error();
  if (!body->is_object()) return bad_request("the body of the request must be a JSON object");
  return std::move(body->as_object());
}

HttpResponse method_not_allowed_response(const std::string& method) {
  HttpResponse r;
  r.status = 405;
  r.body = json::serialize(
      method_not_allowed("the server does not allow this method on the requested resource (" + method + ")")
          .to_status());
  return r;
}
}  // namespace

bool ApiServer::authorized(const HttpRequest& req) const {
  return options_.token.empty() || req.authorization == "Bearer " + options_.token;
}

std::optional<auth::UserInfo> ApiServer::authenticate(const HttpRequest& req) const {
  if (authorized(req))
    return auth::UserInfo{auth::kAdminUser, "", {auth::kMastersGroup, auth::kAuthenticatedGroup}};
  if (req.authorization.rfind("Bearer ", 0) != 0) return std::nullopt;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
  auto claims = auth::verify_token(options_.service_account_key, req.authorization.substr(7), now);
  if (!claims) return std::nullopt;
  // Tokens for another audience are not for this API server.
  if (std::find(claims->audiences.begin(), claims->audiences.end(), auth::kApiAudience) ==
      claims->audiences.end())
    return std::nullopt;
  // A bound token dies with its ServiceAccount (a new one of the same name has another uid).
  auto sa = store_.get(ObjectKey{"", "serviceaccounts", claims->ns, claims->name});
  if (!sa || meta_str(*sa, "uid") != claims->uid) return std::nullopt;
  return auth::service_account_user(claims->ns, claims->name, claims->uid);
}

std::optional<ApiError> ApiServer::authorize(const auth::RequestAttributes& request) const {
  // system:masters is allowed by the authorizer chain before RBAC is asked, so no RBAC object can
  // lock the admin out.
  if (has_group(request.user, auth::kMastersGroup)) return std::nullopt;
  auto decision = auth::authorize(StorePolicySource(store_), request);
  if (decision.allowed) return std::nullopt;
  spdlog::debug("forbidden: {}", auth::forbidden_message(request));
  return forbidden(request, decision.reason);
}

void ApiServer::ensure_cluster_defaults() {
  if (!rbac()) return;
  const auto& policy = auth::bootstrap_policy();
  auto put_missing = [&](const char* resource, const json::object& o) {
    ObjectKey key{kRbacGroup, resource, "", meta_str(o, "name")};
    if (store_.get(key)) return;
    json::object copy = o;
    auto& meta = metadata_of(copy);
    meta["uid"] = new_uid();
    meta["creationTimestamp"] = now_rfc3339();
    store_.put(key, std::move(copy));
  };
  for (const auto& o : policy.cluster_roles) put_missing("clusterroles", o);
  for (const auto& o : policy.cluster_role_bindings) put_missing("clusterrolebindings", o);
  for (auto& [key, ns] : store_.list("", "namespaces", "")) ensure_default_service_account(key.name);
}

void ApiServer::ensure_default_service_account(const std::string& ns) {
  ObjectKey key{"", "serviceaccounts", ns, "default"};
  if (store_.get(key)) return;
  store_.put(key, json::object{{"apiVersion", "v1"},
                               {"kind", "ServiceAccount"},
                               {"metadata", json::object{{"name", "default"},
                                                         {"namespace", ns},
                                                         {"uid", new_uid()},
                                                         {"creationTimestamp", now_rfc3339()}}}});
}

HttpResponse ApiServer::token_request(const HttpRequest& req, const Target& t) {
  if (req.method != "POST") return method_not_allowed_response(req.method);
  auto sa = store_.get(t.key());
  if (!sa) return error_response(not_found({"", "serviceaccounts"}, t.name));
  auto request = auth_request_body(req);
  if (!request) return error_response(request.error());
  json::object spec;
  if (const auto* s = request->if_contains("spec"); s && s->is_object()) spec = s->as_object();
  // Defaults and bounds of the TokenRequest API: one hour; at least ten minutes; at most 2^32 s.
  std::int64_t seconds = 3600;
  if (const auto* e = spec.if_contains("expirationSeconds"); e && !e->is_null()) {
    if (!e->is_number())
      return error_response(bad_request("spec.expirationSeconds: must be an integer number of seconds"));
    seconds = e->to_number<std::int64_t>();
  }
  if (seconds < 600)
    return error_response(
        invalid("TokenRequest", "authentication.k8s.io", t.name,
                json::array{field_cause("FieldValueInvalid", "spec.expirationSeconds",
                                        "Invalid value: " + std::to_string(seconds) +
                                            ": may not specify a duration less than 10 minutes")}));
  seconds = std::min<std::int64_t>(seconds, std::int64_t{1} << 32);
  std::vector<std::string> audiences;
  if (const auto* a = spec.if_contains("audiences"); a && a->is_array())
    for (const auto& v : a->as_array())
      if (v.is_string()) audiences.emplace_back(v.as_string());
  if (audiences.empty()) audiences.push_back(auth::kApiAudience);

  const auto now = clock_();
  auth::TokenClaims claims;
  claims.ns = t.ns;
  claims.name = t.name;
  claims.uid = meta_str(*sa, "uid");
  claims.audiences = audiences;
  claims.issued_at = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  claims.expires_at = claims.issued_at + seconds;
  spdlog::info("token issued for serviceaccount {}/{} ({} s)", t.ns, t.name, seconds);  // never the token
  json::object out{
      {"kind", "TokenRequest"},
      {"apiVersion", "authentication.k8s.io/v1"},
      {"metadata", json::object{{"name", t.name}, {"namespace", t.ns}, {"creationTimestamp", rfc3339(now)}}},
      {"spec",
       json::object{
           {"audiences", to_array(audiences)}, {"expirationSeconds", seconds}, {"boundObjectRef", nullptr}}},
      {"status", json::object{{"token", auth::issue_token(options_.service_account_key, claims)},
                              {"expirationTimestamp", rfc3339(now + std::chrono::seconds(seconds))}}}};
  return json_response(201, out);
}

std::optional<HttpResponse> ApiServer::review(const HttpRequest& req, const std::vector<std::string>& segs,
                                              const auth::UserInfo& user) {
  if (segs.size() != 4 || segs[0] != "apis" || segs[2] != "v1") return std::nullopt;
  const std::string& group = segs[1];
  const std::string& resource = segs[3];
  const bool access = group == "authorization.k8s.io" && resource == "selfsubjectaccessreviews";
  const bool rules = group == "authorization.k8s.io" && resource == "selfsubjectrulesreviews";
  const bool whoami = group == "authentication.k8s.io" && resource == "selfsubjectreviews";
  if (!access && !rules && !whoami) return std::nullopt;
  if (req.method != "POST") return method_not_allowed_response(req.method);
  auto body = auth_request_body(req);
  if (!body) return error_response(body.error());
  json::object out = std::move(*body);
  out["apiVersion"] = group + "/v1";
  if (!out.contains("metadata") || !out["metadata"].is_object()) out["metadata"] = json::object{};
  out["metadata"].as_object()["creationTimestamp"] = nullptr;
  json::object spec;
  if (const auto* s = out.if_contains("spec"); s && s->is_object()) spec = s->as_object();

  if (whoami) {
    out["kind"] = "SelfSubjectReview";
    json::object info{{"username", user.name}, {"groups", to_array(user.groups)}};
    if (!user.uid.empty()) info["uid"] = user.uid;
    out["status"] = json::object{{"userInfo", std::move(info)}};
    return json_response(201, out);
  }
  if (access) {
    out["kind"] = "SelfSubjectAccessReview";
    const auto* ra = spec.if_contains("resourceAttributes");
    const auto* nra = spec.if_contains("nonResourceAttributes");
    const bool has_ra = ra && ra->is_object(), has_nra = nra && nra->is_object();
    if (has_ra == has_nra)
      return error_response(invalid(
          "SelfSubjectAccessReview", "authorization.k8s.io", "",
          json::array{has_ra ? field_cause("FieldValueInvalid", "spec.nonResourceAttributes",
                                           "Invalid value: \"\": cannot be specified in combination with "
                                           "resourceAttributes")
                             : field_cause("FieldValueInvalid", "spec.resourceAttributes",
                                           "Invalid value: \"null\": exactly one of nonResourceAttributes or "
                                           "resourceAttributes must be specified")}));
    auth::RequestAttributes a;
    a.user = user;
    if (has_ra) {
      const auto& r = ra->as_object();
      a.resource_request = true;
      a.verb = str_at(r, "verb");
      a.api_group = str_at(r, "group");
      a.api_version = str_at(r, "version");
      a.ns = str_at(r, "namespace");
      a.resource = str_at(r, "resource");
      a.subresource = str_at(r, "subresource");
      a.name = str_at(r, "name");
    } else {
      a.path = str_at(nra->as_object(), "path");
      a.verb = str_at(nra->as_object(), "verb");
    }
    json::object status{{"allowed", true}};
    if (rbac() && !has_group(user, auth::kMastersGroup)) {
      auto decision = auth::authorize(StorePolicySource(store_), a);
      status["allowed"] = decision.allowed;
      if (!decision.reason.empty()) status["reason"] = decision.reason;
    }
    out["status"] = std::move(status);
    return json_response(201, out);
  }
  out["kind"] = "SelfSubjectRulesReview";
  const std::string ns = str_at(spec, "namespace");
  json::array resource_rules, non_resource_rules;
  std::vector<std::string> errors;
  std::vector<auth::PolicyRule> granted;
  if (rbac()) {
    granted = auth::rules_for(StorePolicySource(store_), user, ns, errors);
  } else {
    granted.push_back(auth::PolicyRule{{"*"}, {"*"}, {"*"}, {}, {}});
    granted.push_back(auth::PolicyRule{{"*"}, {}, {}, {}, {"*"}});
  }
  for (const auto& r : granted) {
    if (!r.non_resource_urls.empty()) {
      non_resource_rules.push_back(
          json::object{{"verbs", to_array(r.verbs)}, {"nonResourceURLs", to_array(r.non_resource_urls)}});
    } else {
      json::object rule{{"verbs", to_array(r.verbs)},
                        {"apiGroups", to_array(r.api_groups)},
                        {"resources", to_array(r.resources)}};
      if (!r.resource_names.empty()) rule["resourceNames"] = to_array(r.resource_names);
      resource_rules.push_back(std::move(rule));
    }
  }
  json::object status{{"resourceRules", std::move(resource_rules)},
                      {"nonResourceRules", std::move(non_resource_rules)},
                      {"incomplete", !errors.empty()}};
  if (!errors.empty()) {
    std::string joined;
    for (const auto& e : errors) joined += (joined.empty() ? "" : ", ") + e;
    status["evaluationError"] = joined;
  }
  out["status"] = std::move(status);
  return json_response(201, out);
}

}  // namespace kubesim
