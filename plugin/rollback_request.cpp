#include "rollback_request.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace rollguard::plugin {

namespace {

namespace json = boost::json;

// The controller's messages about a request contain "manual rollback <id>" followed by ':', ' ' or
// the end (decide_rollback.cpp); the check on the next character keeps "INC-1" from matching "INC-10".
bool mentions_request(std::string_view message, std::string_view request_id) {
  const std::string needle = "manual rollback " + std::string(request_id);
  for (auto at = message.find(needle); at != std::string_view::npos; at = message.find(needle, at + 1)) {
    const auto end = at + needle.size();
    if (end == message.size() || message[end] == ':' || message[end] == ' ' || message[end] == ')')
      return true;
  }
  return false;
}

RequestProgress progress(RequestState state, std::string message, std::int64_t from, std::int64_t to,
                         const PolicyStatus& status) {
  return {state, std::move(message), from, to, status.current_revision};
}

}  // namespace

std::string new_request_id(SystemTime now, std::uint32_t random) {
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "kubectl-%04d%02d%02d-%02d%02d%02d-%06x", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(random & 0xFFFFFF));
  return buffer;
}

json::object rollback_patch(std::int64_t to_revision, std::string_view request_id, std::string_view reason) {
  json::object manual{{"toRevision", to_revision}, {"requestId", request_id}};
  json::object annotations;
  annotations[kReasonAnnotation] = reason.empty() ? json::value(nullptr) : json::value(reason);
  return json::object{{"metadata", json::object{{"annotations", std::move(annotations)}}},
                      {"spec", json::object{{"manualRollback", std::move(manual)}}}};
}

const char* to_string(RequestState state) {
  switch (state) {
    case RequestState::Waiting:
      return "Waiting";
    case RequestState::RollingBack:
      return "RollingBack";
    case RequestState::Completed:
      return "Completed";
    case RequestState::AlreadyRunning:
      return "AlreadyRunning";
    case RequestState::Failed:
      return "Failed";
  }
  return "Waiting";
}

RequestProgress request_progress(const PolicyStatus& status, std::string_view request_id) {
  if (!request_handled(status, request_id)) return progress(RequestState::Waiting, "", 0, 0, status);

  const auto& last = status.last_rollback;
  if (last && last->request_id == request_id) {
    if (last->completed_at)
      return progress(RequestState::Completed, last->message, last->from_revision, last->to_revision, status);
    if (status.pending_rollback && status.pending_rollback->request_id == request_id)
      return progress(RequestState::RollingBack, last->message, last->from_revision, last->to_revision,
                      status);
    // Started, no longer pending and never completed: a later entry says why it ended.
    for (auto it = status.history.rbegin(); it != status.history.rend(); ++it) {
      if (last->started_at && it->time < *last->started_at) break;
      if (it->type == "RollbackSuperseded" || it->type == "RollbackAbandoned")
        return progress(RequestState::Failed, it->message, last->from_revision, last->to_revision, status);
    }
    return progress(RequestState::RollingBack, last->message, last->from_revision, last->to_revision, status);
  }

  // Refused or skipped (lastRollback is untouched then), or carried out and since overtaken by
  // another rollback: the newest history entry about this request says which.
  for (auto it = status.history.rbegin(); it != status.history.rend(); ++it) {
    if (!mentions_request(it->message, request_id)) continue;
    if (it->type == "ManualRollbackFailed")
      return progress(RequestState::Failed, it->message, it->from_revision, it->to_revision, status);
    if (it->type == "ManualRollbackSkipped")
      return progress(RequestState::AlreadyRunning, it->message, it->from_revision, it->to_revision, status);
    if (it->type == "RollbackCompleted")
      return progress(RequestState::Completed, it->message, it->from_revision, it->to_revision, status);
    if (it->type == "RollbackStarted")
      return progress(RequestState::RollingBack, it->message, it->from_revision, it->to_revision, status);
  }
  if (status.pending_rollback && status.pending_rollback->request_id == request_id)
    return progress(RequestState::RollingBack, "", status.pending_rollback->from_revision,
                    status.pending_rollback->to_revision, status);
  return progress(RequestState::Failed,
                  "the controller handled the request but status records no outcome for it "
                  "(see `kubectl get events`)",
                  0, 0, status);
}

}  // namespace rollguard::plugin
