// POST, PUT and DELETE, and the write path PATCH shares: object bookkeeping (uid, timestamps,
// generation), optimistic concurrency, the /status split, finalizers and garbage collection.
#include "api_server.hpp"
#include "body.hpp"
#include "delete_options_body.hpp"

namespace kubesim {
namespace json = boost::json;

namespace {
// Kinds whose metadata.generation tracks spec changes (the others have no spec to track).
bool has_generation(const ResourceType& t) {
  return !t.crd_name.empty() || t.kind == "Deployment" || t.kind == "ReplicaSet" || t.kind == "Job" ||
         t.kind == "CustomResourceDefinition" || t.kind == "Service";
}

// What a create keeps of `status`: nothing when the status subresource owns it (each strategy's
// PrepareForCreate), except the few fields the apiserver itself initializes.
void reset_status_on_create(const ResourceType& t, json::object& o) {
  if (!t.has_status) return;
  if (t.kind == "Namespace") {
    o["status"] = json::object{{"phase", "Active"}};
  } else if (t.kind == "Pod") {
    o["status"] = json::object{{"phase", "Pending"}};
  } else if (t.kind == "Service") {
    o["status"] = json::object{{"loadBalancer", json::object{}}};
  } else if (t.crd_name.empty() && t.kind != "CustomResourceDefinition") {
    o["status"] = json::object{};
  } else {
    o.erase("status");
  }
}

bool same_object(json::object a, json::object b) {
  for (auto* o : {&a, &b}) {
    auto& m = metadata_of(*o);
    m.erase("resourceVersion");
    m.erase("managedFields");
  }
  return a == b;
}
}  // namespace

Result<WriteOptions> ApiServer::write_options(const HttpRequest& req, const Target& t) const {
  WriteOptions o;
  o.subresource = t.subresource;
  o.user_agent = req.user_agent;
  o.field_manager = req.param("fieldManager");
  if (auto d = req.param("dryRun"); !d.empty()) {
    if (d != "All") return bad_request("Invalid dryRun value: " + d + ": supported values: \"All\"");
    o.dry_run = true;
  }
  // Without the parameter the apiserver warns about unknown fields (ServerSideFieldValidation).
  o.field_validation = req.has_param("fieldValidation") ? req.param("fieldValidation") : "Warn";
  if (o.field_validation != "Strict" && o.field_validation != "Warn" && o.field_validation != "Ignore")
    return bad_request("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got: " +
                       o.field_validation);
  return o;
}

HttpResponse ApiServer::write_response(unsigned status, const ResourceType& type, const ObjectPtr& object,
                                       const WriteOptions& opts) const {
  auto r = json_response(status, present(type, *object));
  for (const auto& w : opts.warnings) {
    std::string escaped;
    for (char c : w) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    r.headers.emplace_back("Warning", "299 - \"" + escaped + "\"");
  }
  return r;
}

HttpResponse ApiServer::create(const HttpRequest& req, const Target& t) {
  auto opts = write_options(req, t);
  if (!opts) return error_response(opts.error());
  auto body = parse_body(req.body, req.content_type, *t.type);
  if (!body) return error_response(body.error());
  if (!body->is_object()) return error_response(bad_request("the body of the request must be a JSON object"));
  auto r = write_create(t, std::move(body->as_object()), *opts);
  if (!r) return error_response(r.error());
  // The ServiceAccount controller's part: a new namespace gets its default ServiceAccount.
  if (rbac() && !opts->dry_run && t.type->group.empty() && t.type->resource == "namespaces")
    ensure_default_service_account(meta_str(**r, "name"));
  return write_response(201, *t.type, *r, *opts);
}

Result<ObjectPtr> ApiServer::write_create(const Target& t, json::object object, WriteOptions& opts) {
  const ResourceType& type = *t.type;
  if (auto k = object.if_contains("kind");
      k && k->is_string() && !k->as_string().empty() && k->as_string() != type.kind)
    return bad_request("the API version in the data (" + std::string(k->as_string()) +
                       ") does not match the expected kind (" + type.kind + ")");
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  auto& meta = metadata_of(object);
  std::string name = meta_str(object, "name");
  if (name.empty() && !meta_str(object, "generateName").empty()) {
    name = meta_str(object, "generateName") + random_suffix(5);
    meta["name"] = name;
  }
  if (name.empty())
    return invalid(type.kind, type.group, "",
                   json::array{field_cause("FieldValueRequired", "metadata.name",
                                           "Required value: name or generateName is required")});
  if (!t.name.empty() && t.name != name)
    return bad_request("the name of the object (" + name + ") does not match the name on the URL (" + t.name +
                       ")");
  std::string ns = meta_str(object, "namespace");
  if (type.namespaced) {
    if (!ns.empty() && ns != t.ns)
      return bad_request(
          "the namespace of the provided object does not match the namespace sent on the request");
    meta["namespace"] = t.ns;
    if (!store_.get(ObjectKey{"", "namespaces", "", t.ns})) return not_found({"", "namespaces"}, t.ns);
  } else {
    meta.erase("namespace");
  }
  ObjectKey key{type.group, type.resource, type.namespaced ? t.ns : "", name};
  if (store_.get(key)) return already_exists({type.group, type.resource}, name);

  reset_status_on_create(type, object);
  auto admitted = admit(type, std::move(object), opts);
  if (!admitted) return admitted.error();
  object = std::move(*admitted);
  auto& m = metadata_of(object);
  m["uid"] = new_uid();
  m["creationTimestamp"] = now_rfc3339();
  m.erase("resourceVersion");
  m.erase("deletionTimestamp");
  m.erase("deletionGracePeriodSeconds");
  if (has_generation(type)) m["generation"] = 1;
  if (type.kind == "Namespace") {
    auto& labels = m["labels"];
    if (!labels.is_object()) labels = json::object{};
    labels.as_object()["kubernetes.io/metadata.name"] = name;
  }
  if (type.kind == "CustomResourceDefinition") set_crd_status(object);
  if (!opts.managed_fields_done) record_managed_fields(type, nullptr, object, opts);
  if (opts.dry_run) return std::make_shared<const json::object>(std::move(object));
  auto stored = store_.put(key, std::move(object));
  if (type.kind == "CustomResourceDefinition") on_crd_written(*stored);
  return stored;
}

HttpResponse ApiServer::update(const HttpRequest& req, const Target& t) {
  auto opts = write_options(req, t);
  if (!opts) return error_response(opts.error());
  auto body = parse_body(req.body, req.content_type, *t.type);
  if (!body) return error_response(body.error());
  if (!body->is_object()) return error_response(bad_request("the body of the request must be a JSON object"));
  auto r = write_update(t, std::move(body->as_object()), *opts);
  if (!r) return error_response(r.error());
  return write_response(200, *t.type, *r, *opts);
}

Result<ObjectPtr> ApiServer::write_update(const Target& t, json::object object, WriteOptions& opts) {
  const ResourceType& type = *t.type;
  GroupResource gr{type.group, type.resource};
  auto old = store_.get(t.key());
  if (!old) return not_found(gr, t.name);
  if (auto k = object.if_contains("kind");
      k && k->is_string() && !k->as_string().empty() && k->as_string() != type.kind)
    return bad_request("the API version in the data (" + std::string(k->as_string()) +
                       ") does not match the expected kind (" + type.kind + ")");
  auto& meta = metadata_of(object);
  std::string name = meta_str(object, "name");
  if (!name.empty() && name != t.name)
    return bad_request("the name of the object (" + name + ") does not match the name on the URL (" + t.name +
                       ")");
  std::string ns = meta_str(object, "namespace");
  if (type.namespaced && !ns.empty() && ns != t.ns)
    return bad_request(
        "the namespace of the provided object does not match the namespace sent on the request");
  std::string rv = meta_str(object, "resourceVersion");
  if (rv.empty() && !type.crd_name.empty())
    return invalid(type.kind, type.group, t.name,
                   json::array{field_cause("FieldValueInvalid", "metadata.resourceVersion",
                                           "Invalid value: 0x0: must be specified for an update")});
  // Optimistic concurrency (API conventions, "Concurrency Control and Consistency").
  if (!rv.empty() && rv != meta_str(*old, "resourceVersion")) return stale_conflict(gr, t.name);

  json::object result;
  if (opts.subresource == "status") {
    // /status changes only status (each kind's status strategy resets everything else).
    result = *old;
    if (auto s = object.if_contains("status")) {
      result["status"] = *s;
    } else {
      result.erase("status");
    }
    if (opts.managed_fields_done)
      metadata_of(result)["managedFields"] =
          meta.contains("managedFields") ? meta["managedFields"] : json::array{};
  } else {
    result = std::move(object);
    if (type.has_status) {
      // The main resource ignores status when the status subresource exists.
      if (auto s = old->if_contains("status")) {
        result["status"] = *s;
      } else {
        result.erase("status");
      }
    }
  }
  result["apiVersion"] = type.api_version();
  result["kind"] = type.kind;
  auto& m = metadata_of(result);
  const auto& old_meta = old->at("metadata").as_object();
  m["name"] = t.name;
  if (type.namespaced) m["namespace"] = t.ns;
  for (const char* immutable :
       {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
    if (auto v = old_meta.if_contains(immutable)) {
      m[immutable] = *v;
    } else {
      m.erase(immutable);
    }
  }
  if (opts.subresource != "status") {
    auto admitted = admit(type, std::move(result), opts);
    if (!admitted) return admitted.error();
    result = std::move(*admitted);
  }
  auto& rm = metadata_of(result);
  if (has_generation(type) && !spec_equal(*old, result)) {
    auto g = old_meta.if_contains("generation");
    rm["generation"] = (g && g->is_int64() ? g->as_int64() : 0) + 1;
  }
  if (type.kind == "CustomResourceDefinition") set_crd_status(result);
  if (!opts.managed_fields_done) record_managed_fields(type, old.get(), result, opts);
  if (same_object(*old, result)) return old;  // a no-op write changes nothing, not even resourceVersion
  if (opts.dry_run) return std::make_shared<const json::object>(std::move(result));

  // The last finalizer removed from an object being deleted completes the deletion.
  const auto& final_meta = metadata_of(result);
  const auto* fin = final_meta.if_contains("finalizers");
  bool no_finalizers = !fin || !fin->is_array() || fin->as_array().empty();
  if (final_meta.contains("deletionTimestamp") && no_finalizers) {
    store_.put(t.key(), std::move(result));
    DeleteOptions d;
    auto r = delete_object(type, t.key(), d);
    if (!r) return r.error();
    return std::make_shared<const json::object>(std::move(*r));
  }
  auto stored = store_.put(t.key(), std::move(result));
  if (type.kind == "CustomResourceDefinition") on_crd_written(*stored);
  return stored;
}

HttpResponse ApiServer::remove(const HttpRequest& req, const Target& t) {
  DeleteOptions d;
  if (!req.body.empty()) {
    auto body = parse_delete_options_body(req.body, req.content_type);
    if (!body) return error_response(body.error());
    if (const auto* o = body->if_object()) {
      if (auto p = o->if_contains("propagationPolicy"); p && p->is_string())
        d.propagation = std::string(p->as_string());
      if (auto p = o->if_contains("orphanDependents"); p && p->is_bool() && p->as_bool())
        d.propagation = "Orphan";
      if (auto p = o->if_contains("preconditions"); p && p->is_object()) {
        if (auto u = p->as_object().if_contains("uid"); u && u->is_string())
          d.precondition_uid = std::string(u->as_string());
        if (auto r = p->as_object().if_contains("resourceVersion"); r && r->is_string())
          d.precondition_rv = std::string(r->as_string());
      }
      if (auto p = o->if_contains("dryRun"); p && p->is_array() && !p->as_array().empty()) d.dry_run = true;
    }
  }
  if (req.param("dryRun") == "All") d.dry_run = true;
  if (auto p = req.param("propagationPolicy"); !p.empty()) d.propagation = p;
  if (d.propagation != "Orphan" && d.propagation != "Background" && d.propagation != "Foreground")
    return error_response(bad_request("propagationPolicy: Unsupported value: \"" + d.propagation +
                                      "\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
  auto r = delete_object(*t.type, t.key(), d);
  if (!r) return error_response(r.error());
  return json_response(200, present(*t.type, *r));
}

HttpResponse ApiServer::remove_collection(const HttpRequest& req, const Target& t) {
  auto selected = select(req, t, "");
  if (!selected) return error_response(selected.error());
  DeleteOptions d;
  d.dry_run = req.param("dryRun") == "All";
  json::array items;
  for (const auto& o : *selected) {
    ObjectKey key{t.type->group, t.type->resource, meta_str(*o, "namespace"), meta_str(*o, "name")};
    if (auto r = delete_object(*t.type, key, d)) items.push_back(present(*t.type, *r));
  }
  return json_response(
      200,
      json::object{{"kind", t.type->list_kind},
                   {"apiVersion", t.type->api_version()},
                   {"metadata", json::object{{"resourceVersion", std::to_string(store_.resource_version())}}},
                   {"items", std::move(items)}});
}

Result<json::object> ApiServer::delete_object(const ResourceType& type, const ObjectKey& key,
                                              const DeleteOptions& opts) {
  GroupResource gr{type.group, type.resource};
  auto obj = store_.get(key);
  if (!obj) return not_found(gr, key.name);
  std::string uid = meta_str(*obj, "uid");
  std::string rv = meta_str(*obj, "resourceVersion");
  if (opts.precondition_uid && *opts.precondition_uid != uid)
    return conflict(gr, key.name,
                    "Precondition failed: UID in precondition: " + *opts.precondition_uid +
                        ", UID in object meta: " + uid);
  if (opts.precondition_rv && *opts.precondition_rv != rv)
    return conflict(gr, key.name,
                    "Precondition failed: ResourceVersion in precondition: " + *opts.precondition_rv +
                        ", ResourceVersion in object meta: " + rv);
  if (opts.dry_run) return *obj;

  const auto* fin = obj->at("metadata").as_object().if_contains("finalizers");
  if (fin && fin->is_array() && !fin->as_array().empty()) {
    // Finalizers hold the object: it only gets a deletionTimestamp until they are all removed.
    if (meta_str(*obj, "deletionTimestamp").empty()) {
      json::object copy = *obj;
      auto& m = metadata_of(copy);
      m["deletionTimestamp"] = now_rfc3339();
      m["deletionGracePeriodSeconds"] = 0;
      return *store_.put(key, std::move(copy));
    }
    return *obj;
  }
  if (type.kind == "Namespace") {
    // Namespace deletion removes everything in it (the namespace lifecycle controller's job).
    for (auto& [k, o] : store_.all())
      if (!k.ns.empty() && k.ns == key.name) store_.remove(k);
  }
  auto removed = store_.remove(key);
  if (type.kind == "CustomResourceDefinition") on_crd_deleted(*removed);
  collect_garbage(uid, opts.propagation);
  return *removed;
}

void ApiServer::collect_garbage(const std::string& owner_uid, const std::string& propagation) {
  // The garbage collector, run synchronously: dependents whose only owner is gone are deleted
  // (Background/Foreground); with Orphan their owner reference is removed instead.
  for (auto& [key, obj] : store_.all()) {
    const auto* m = obj->if_contains("metadata");
    const auto* refs = m && m->is_object() ? m->as_object().if_contains("ownerReferences") : nullptr;
    if (!refs || !refs->is_array()) continue;
    json::array remaining;
    bool owned = false;
    for (const auto& r : refs->as_array()) {
      const auto* ro = r.if_object();
      const auto* u = ro ? ro->if_contains("uid") : nullptr;
      if (u && u->is_string() && u->as_string() == owner_uid) {
        owned = true;
      } else {
        remaining.push_back(r);
      }
    }
    if (!owned || !store_.get(key)) continue;
    auto type = registry_.find_any_version(key.group, key.resource);
    if (propagation != "Orphan" && remaining.empty() && type) {
      delete_object(*type, key, DeleteOptions{});
      continue;
    }
    json::object copy = *obj;
    auto& cm = metadata_of(copy);
    if (remaining.empty()) {
      cm.erase("ownerReferences");
    } else {
      cm["ownerReferences"] = std::move(remaining);
    }
    store_.put(key, std::move(copy));
  }
}

}  // namespace kubesim
