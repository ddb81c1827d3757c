#include "apimachinery/list_options.hpp"

namespace kubesim::apimachinery {

namespace {
StatusCause forbidden(std::string field, const std::string& detail) {
  return StatusCause{"FieldValueForbidden", "Forbidden: " + detail, std::move(field)};
}
StatusCause not_supported(std::string field, const std::string& value,
                          const std::vector<std::string>& supported) {
  std::string message = "Unsupported value: \"" + value + "\": supported values: ";
  for (std::size_t i = 0; i < supported.size(); ++i) message += (i ? ", \"" : "\"") + supported[i] + "\"";
  return StatusCause{"FieldValueNotSupported", std::move(message), std::move(field)};
}

std::vector<StatusCause> validate_watch_options(const ListOptions& o, bool watch_list_enabled) {
  std::vector<StatusCause> causes;
  const std::string& match = o.resource_version_match;
  if (o.send_initial_events && match != kNotOlderThan)
    causes.push_back(forbidden(
        "resourceVersionMatch",
        std::string("sendInitialEvents requires setting resourceVersionMatch to ") + kNotOlderThan));
  if (o.send_initial_events && !watch_list_enabled)
    causes.push_back(forbidden("sendInitialEvents",
                               "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"));
  if (!match.empty()) {
    if (!o.send_initial_events)
      causes.push_back(
          forbidden("resourceVersionMatch",
                    "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
    if (match != kNotOlderThan)
      causes.push_back(not_supported("resourceVersionMatch", match, {kNotOlderThan}));
    if (!o.continue_token.empty())
      causes.push_back(
          forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
  }
  return causes;
}
}  // namespace

void default_list_options(ListOptions& o, bool watch_list_enabled) {
  if (!watch_list_enabled) return;
  if (o.send_initial_events || !o.resource_version_match.empty()) return;
  const bool legacy = o.resource_version.empty() || o.resource_version == "0";
  if (o.watch && legacy) {
    o.send_initial_events = true;
    o.resource_version_match = kNotOlderThan;
  }
}

std::vector<StatusCause> validate_list_options(const ListOptions& o, bool watch_list_enabled) {
  if (o.watch) return validate_watch_options(o, watch_list_enabled);
  std::vector<StatusCause> causes;
  if (const std::string& match = o.resource_version_match; !match.empty()) {
    if (o.resource_version.empty())
      causes.push_back(forbidden("resourceVersionMatch",
                                 "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    if (!o.continue_token.empty())
      causes.push_back(
          forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
    if (match != kExact && match != kNotOlderThan)
      causes.push_back(not_supported("resourceVersionMatch", match, {kExact, kNotOlderThan, ""}));
    if (match == kExact && o.resource_version == "0")
      causes.push_back(forbidden("resourceVersionMatch",
                                 "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
  }
  if (o.send_initial_events)
    causes.push_back(forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  return causes;
}

}  // namespace kubesim::apimachinery
