// GET, LIST (selectors, limit/continue paging) and WATCH.
#include <boost/beast/core/detail/base64.hpp>

#include "api_server.hpp"
#include "apimachinery/list_options.hpp"
#include "apimachinery/selectors.hpp"
#include "watch_stream.hpp"

namespace kubesim {
namespace json = boost::json;
namespace am = apimachinery;

namespace {
bool wants_table(const HttpRequest& req) { return req.accept.find("as=Table") != std::string::npos; }

std::string b64(const std::string& s) {
  namespace b = boost::beast::detail::base64;
  std::string out(b::encoded_size(s.size()), '\0');
  out.resize(b::encode(out.data(), s.data(), s.size()));
  // URL-safe and unpadded (base64.RawURLEncoding, as the apiserver's continue keys), so the
  // token survives a query string untouched.
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::optional<std::string> unb64(std::string s) {
  namespace b = boost::beast::detail::base64;
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  const std::size_t unpadded = s.size();
  while (s.size() % 4) s += '=';
  std::string out(b::decoded_size(s.size()), '\0');
  auto [written, read] = b::decode(out.data(), s.data(), s.size());
  if (read < unpadded) return std::nullopt;  // stopped at a character outside the alphabet
  out.resize(written);
  return out;
}

// Field selectors the apiserver supports per kind beyond metadata.name/namespace (each
// registry's GetAttrs / field label conversion functions).
std::vector<std::string> extra_field_labels(const ResourceType& t) {
  if (t.kind == "Event" && t.group.empty())
    return {"involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type"};
  if (t.kind == "Event")
    return {"regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason",
            "type",           "reportingController"};
  if (t.kind == "Pod")
    return {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName",      "spec.serviceAccountName",
            "status.phase",  "status.podIP",       "status.nominatedNodeName"};
  if (t.kind == "Secret") return {"type"};
  if (t.kind == "Namespace") return {"status.phase"};
  if (t.kind == "ReplicaSet") return {"status.replicas"};
  if (t.kind == "Job") return {"status.successful"};
  return {};
}

struct Selectors {
  std::optional<am::LabelSelector> labels;
  std::optional<am::FieldSelector> fields;
};

Result<Selectors> parse_selectors(const HttpRequest& req, const ResourceType& t) {
  Selectors s;
  if (auto text = req.param("labelSelector"); !text.empty()) {
    auto r = am::parse_label_selector(text);
    if (!r) return from_machinery(r.error());
    s.labels = std::move(*r);
  }
  if (auto text = req.param("fieldSelector"); !text.empty()) {
    auto extra = extra_field_labels(t);
    auto r = am::parse_field_selector(text, extra);
    if (!r) return from_machinery(r.error());
    s.fields = std::move(*r);
  }
  return s;
}
// ListOptions decoded, defaulted and validated as the API server's list/watch handler does
// before storage sees them (handlers/get.go): a bad combination is a 422 on ListOptions.
Result<am::ListOptions> list_options(const HttpRequest& req, bool watch_list_enabled) {
  am::ListOptions o;
  o.watch = req.bool_param("watch");
  o.resource_version = req.param("resourceVersion");
  o.resource_version_match = req.param("resourceVersionMatch");
  if (req.has_param("sendInitialEvents")) o.send_initial_events = req.bool_param("sendInitialEvents");
  o.allow_watch_bookmarks = req.bool_param("allowWatchBookmarks");
  o.continue_token = req.param("continue");
  am::default_list_options(o, watch_list_enabled);
  auto causes = am::validate_list_options(o, watch_list_enabled);
  if (causes.empty()) return o;
  json::array details;
  for (const auto& c : causes) details.push_back(field_cause(c.reason, c.field, c.message));
  return invalid("ListOptions", "meta.k8s.io", "", details);
}

// What a watch-cache watch from a resourceVersion the store has not reached ends with
// (storage.NewTooLargeResourceVersionError): a 504 Timeout the client retries after a second.
ApiError too_large_resource_version(std::uint64_t wanted, std::uint64_t current) {
  ApiError e;
  e.code = 504;
  e.reason = "Timeout";
  e.message =
      "Too large resource version: " + std::to_string(wanted) + ", current: " + std::to_string(current);
  e.details = json::object{{"causes", json::array{json::object{{"reason", "ResourceVersionTooLarge"},
                                                               {"message", "Too large resource version"}}}},
                           {"retryAfterSeconds", 1}};
  return e;
}

// Stored objects normally carry their type already; then presenting them changes nothing.
bool carries_type(const ResourceType& type, const std::string& api_version, const json::object& object) {
  const auto* av = object.if_contains("apiVersion");
  const auto* k = object.if_contains("kind");
  return av && k && av->is_string() && k->is_string() && av->get_string() == api_version &&
         k->get_string() == type.kind;
}

// The same bytes as serializing {"kind", "apiVersion", "metadata", "items": [present(o)...]}, written
// straight from the stored objects: presenting copies every object, which on a 10,000-Deployment
// list cost more than the serialization itself.
template <class Present>
std::string list_body(const ResourceType& type, const json::object& meta, const std::vector<ObjectPtr>& items,
                      Present present) {
  const std::string api_version = type.api_version();
  json::serializer sr;
  char buf[16384];
  std::string out;
  out.reserve(items.size() * 1024);
  auto append = [&] {
    while (!sr.done()) out.append(sr.read(buf, sizeof(buf)));
  };
  out += "{\"kind\":";
  sr.reset(json::string_view(type.list_kind));
  append();
  out += ",\"apiVersion\":";
  sr.reset(json::string_view(api_version));
  append();
  out += ",\"metadata\":";
  sr.reset(&meta);
  append();
  out += ",\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    const json::object& o = *items[i];
    if (carries_type(type, api_version, o)) {
      sr.reset(&o);
      append();
    } else {
      const json::value presented = present(o);
      sr.reset(&presented);
      append();
    }
  }
  out += "]}";
  return out;
}
}  // namespace

json::value ApiServer::present(const ResourceType& type, const json::object& object) const {
  if (carries_type(type, type.api_version(), object)) return object;
  json::object out = object;
  out["apiVersion"] = type.api_version();
  out["kind"] = type.kind;
  return out;
}

HttpResponse ApiServer::get(const HttpRequest& req, const Target& t) {
  auto obj = store_.get(t.key());
  if (!obj) return error_response(not_found({t.type->group, t.type->resource}, t.name));
  if (wants_table(req))
    return json_response(
        200, table(*t.type, {obj}, json::object{{"resourceVersion", meta_str(*obj, "resourceVersion")}},
                   req.param("includeObject") == "Object"));
  return json_response(200, present(*t.type, *obj));
}

Result<std::vector<ObjectPtr>> ApiServer::select(const HttpRequest& req, const Target& t,
                                                 const std::string& after) {
  auto sel = parse_selectors(req, *t.type);
  if (!sel) return sel.error();
  WatchFilter f{t.type->group, t.type->resource, t.ns, "", sel->labels, sel->fields};
  std::vector<ObjectPtr> out;
  for (auto& [key, obj] : store_.list(t.type->group, t.type->resource, t.ns, after))
    if (f.matches(*obj)) out.push_back(obj);
  return out;
}

HttpResponse ApiServer::list(const HttpRequest& req, const Target& t) {
  if (auto options = list_options(req, options_.watch_list); !options) return error_response(options.error());
  std::size_t limit = 0;
  if (auto l = req.param("limit"); !l.empty()) {
    try {
      long long v = std::stoll(l);
      if (v > 0) limit = static_cast<std::size_t>(v);
    } catch (const std::exception&) {
      return error_response(bad_request("invalid limit: " + l));
    }
  }
  std::string after;
  std::uint64_t list_rv = store_.resource_version();
  if (auto token = req.param("continue"); !token.empty()) {
    // Continue tokens carry the list's resourceVersion and the last key, like the apiserver's
    // etcd3 continue keys; they expire with compaction (410 Expired) and here also after a TTL.
    auto raw = unb64(token);
    json::error_code ec;
    json::value v = raw ? json::parse(*raw, ec) : json::value();
    const json::object* o = raw && !ec ? v.if_object() : nullptr;
    if (!o || !o->contains("rv") || !o->contains("start") || !o->contains("t") || !o->at("start").is_string())
      return error_response(bad_request(
          "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"));
    auto issued =
        std::chrono::system_clock::time_point(std::chrono::seconds(o->at("t").to_number<std::int64_t>()));
    std::uint64_t token_rv = o->at("rv").to_number<std::uint64_t>();
    if (token_rv < store_.compacted_rv() || clock_() - issued > options_.continue_ttl)
      return error_response(
          expired("The provided continue parameter is too old to display a consistent list result. You can "
                  "start a new list "
                  "without the continue parameter."));
    after = std::string(o->at("start").as_string());
    list_rv = token_rv;
  }
  auto selected = select(req, t, after);
  if (!selected) return error_response(selected.error());
  auto& items = *selected;
  json::object meta{{"resourceVersion", std::to_string(list_rv)}};
  if (limit && items.size() > limit) {
    std::size_t remaining = items.size() - limit;
    items.resize(limit);
    const auto& last = *items.back();
    std::string start = meta_str(last, "namespace") + "/" + meta_str(last, "name");
    auto issued = std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
    json::object token{{"v", "meta.k8s.io/v1"}, {"rv", list_rv}, {"start", start}, {"t", issued}};
    meta["continue"] = b64(json::serialize(token));
    meta["remainingItemCount"] = remaining;
  }
  if (wants_table(req))
    return json_response(200, table(*t.type, items, meta, req.param("includeObject") == "Object"));
  HttpResponse r;
  r.status = 200;
  r.body = list_body(*t.type, meta, items, [&](const json::object& o) { return present(*t.type, o); });
  return r;
}

HttpResponse ApiServer::watch(const HttpRequest& req, const Target& t) {
  auto options = list_options(req, options_.watch_list);
  if (!options) return error_response(options.error());
  auto sel = parse_selectors(req, *t.type);
  if (!sel) return error_response(sel.error());
  auto timeout =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.default_watch_timeout);
  if (auto ts = req.param("timeoutSeconds"); !ts.empty()) {
    try {
      timeout = std::chrono::seconds(std::max(0LL, std::stoll(ts)));
    } catch (const std::exception&) {
      return error_response(bad_request("invalid timeoutSeconds: " + ts));
    }
  }
  std::optional<std::chrono::steady_clock::duration> bookmarks;
  if (options->allow_watch_bookmarks) bookmarks = options_.bookmark_interval;

  const std::string rv_text = options->resource_version;
  std::uint64_t rv = 0;
  if (!rv_text.empty()) {
    try {
      std::size_t used = 0;
      rv = std::stoull(rv_text, &used);
      if (used != rv_text.size()) throw std::invalid_argument("rv");
    } catch (const std::exception&) {
      return error_response(bad_request("invalid resource version: " + rv_text));
    }
  }

  ResourceTypePtr type = t.type;
  bool table_mode = wants_table(req);
  WatchStream::Present present_fn = [this, type, table_mode](const json::object& o) -> json::value {
    if (!table_mode) return present(*type, o);
    auto ptr = std::make_shared<const json::object>(o);
    return table(*type, {ptr}, json::object{{"resourceVersion", meta_str(o, "resourceVersion")}}, true);
  };
  WatchFilter filter{type->group, type->resource, t.ns, "", sel->labels, sel->fields};
  auto stream = std::make_shared<WatchStream>(
      executor_, filter, present_fn, timeout, bookmarks, [this] { return store_.resource_version(); },
      type->kind, type->api_version());

  const bool initial_events = am::sends_initial_events(*options);
  const bool end_bookmark = initial_events && options->allow_watch_bookmarks;
  auto start = [this, filter, present_fn, initial_events, end_bookmark, rv, rv_text](WatchStream& s) {
    if (initial_events) {
      // A streaming list (KEP-3157): the current state as ADDED events, selectors applied, then
      // the bookmark that tells the client its list is complete. NotOlderThan is met by the
      // current state whatever the given resourceVersion, so a compacted one is no 410 here.
      for (auto& [key, obj] : store_.list(filter.group, filter.resource, filter.ns))
        if (filter.matches(*obj)) s.push_line(WatchStream::event_line("ADDED", present_fn(*obj)));
      if (end_bookmark) s.push_initial_events_end();
      return;
    }
    // sendInitialEvents=false: an ordinary watch. "" and "0" start at the most recent state.
    if (rv == 0) return;
    if (rv < store_.compacted_rv()) {
      // The watch starts, then immediately reports 410 Gone as an ERROR event: client-go's
      // reflector relists on exactly this (API concepts, "Efficient detection of changes").
      ApiError e = expired("too old resource version: " + rv_text + " (" +
                           std::to_string(store_.compacted_rv()) + ")");
      e.code = 410;
      s.push_line(WatchStream::event_line("ERROR", e.to_status()));
      s.finish();
      return;
    }
    for (const auto& ev : store_.history())
      if (ev.rv > rv) s.on_event(ev);
  };
  if (rv > store_.resource_version()) {
    auto too_late_line = [this, rv] {
      return WatchStream::event_line("ERROR",
                                     too_large_resource_version(rv, store_.resource_version()).to_status());
    };
    stream->start_when_fresh(rv, options_.resource_version_wait, start, too_late_line);
  } else {
    start(*stream);
  }
  store_.subscribe(stream);
  std::erase_if(watches_, [](const auto& w) { return w.expired(); });
  watches_.push_back(stream);
  HttpResponse r;
  r.status = 200;
  r.watch = stream;
  return r;
}

}  // namespace kubesim
