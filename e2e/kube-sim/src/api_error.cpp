#include "api_error.hpp"

namespace kubesim {
namespace json = boost::json;

json::value ApiError::to_status() const {
  json::object s{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object{}},
                 {"status", "Failure"}, {"message", message}, {"reason", reason},
                 {"code", code}};
  if (!details.empty()) s["details"] = details;
  return s;
}

namespace {
ApiError make(unsigned code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}
json::object gr_details(const GroupResource& gr, const std::string& name) {
  return json::object{{"name", name}, {"group", gr.group}, {"kind", gr.resource}};
}
}  // namespace

json::object field_cause(const std::string& type, const std::string& field, const std::string& message) {
  return json::object{{"reason", type}, {"message", message}, {"field", field}};
}

ApiError not_found(const GroupResource& gr, const std::string& name) {
  auto e = make(404, "NotFound", gr.str() + " \"" + name + "\" not found");
  e.details = gr_details(gr, name);
  return e;
}

ApiError already_exists(const GroupResource& gr, const std::string& name) {
  auto e = make(409, "AlreadyExists", gr.str() + " \"" + name + "\" already exists");
  e.details = gr_details(gr, name);
  return e;
}

ApiError conflict(const GroupResource& gr, const std::string& name, const std::string& why) {
  auto e =
      make(409, "Conflict", "Operation cannot be fulfilled on " + gr.str() + " \"" + name + "\": " + why);
  e.details = gr_details(gr, name);
  return e;
}

ApiError stale_conflict(const GroupResource& gr, const std::string& name) {
  return conflict(
      gr, name,
      "the object has been modified; please apply your changes to the latest version and try again");
}

ApiError bad_request(const std::string& message) { return make(400, "BadRequest", message); }

ApiError invalid(const std::string& kind, const std::string& group, const std::string& name,
                 const json::array& causes) {
  // Message layout follows apimachinery's NewInvalid: `Kind.group "name" is invalid: field: detail`.
  std::string qualified = group.empty() ? kind : kind + "." + group;
  std::string msg = qualified + " \"" + name + "\" is invalid: ";
  if (causes.size() == 1) {
    const auto& c = causes[0].as_object();
    msg += std::string(c.at("field").as_string()) + ": " + std::string(c.at("message").as_string());
  } else {
    msg += "[";
    bool first = true;
    for (const auto& cv : causes) {
      const auto& c = cv.as_object();
      if (!first) msg += ", ";
      first = false;
      msg += std::string(c.at("field").as_string()) + ": " + std::string(c.at("message").as_string());
    }
    msg += "]";
  }
  auto e = make(422, "Invalid", msg);
  e.details = json::object{{"name", name}, {"group", group}, {"kind", kind}, {"causes", causes}};
  return e;
}

ApiError expired(const std::string& message) { return make(410, "Expired", message); }
ApiError gone(const std::string& message) { return make(410, "Gone", message); }
ApiError unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }
ApiError method_not_allowed(const std::string& message) { return make(405, "MethodNotAllowed", message); }
ApiError not_acceptable(const std::string& message) { return make(406, "NotAcceptable", message); }
ApiError unsupported_media_type(const std::string& content_type) {
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: "
              "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
              "application/strategic-merge-patch+json; got " +
                  content_type);
}
ApiError unsupported_body_media_type(const std::vector<std::string>& accepted) {
  std::string list;
  for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: " + list);
}
ApiError internal_error(const std::string& message) { return make(500, "InternalError", message); }

}  // namespace kubesim
