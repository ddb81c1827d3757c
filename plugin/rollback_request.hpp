#pragma once
// `kubectl rollguard rollback`: the spec.manualRollback request it writes and how far the
// controller has got with it, read from status alone (pure functions; the command polls).
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "rollguard/status.hpp"

namespace rollguard::plugin {

// Where the --reason goes: manualRollback has no field for it, an annotation travels with the spec.
inline constexpr std::string_view kReasonAnnotation = "rollguard.io/manual-rollback-reason";

// "kubectl-20261202-005832-3fa9c1": when it was asked, plus randomness so two people asking in the
// same second get two requests.
std::string new_request_id(SystemTime now, std::uint32_t random);

// The merge patch: spec.manualRollback {toRevision, requestId}, and the reason annotation (removed
// when there is no reason, so an old reason never describes a new request).
boost::json::object rollback_patch(std::int64_t to_revision, std::string_view request_id,
                                   std::string_view reason);

enum class RequestState {
  Waiting,         // not handled yet (controller busy, down, or not seen the new spec yet)
  RollingBack,     // the rollback is decided and the patch sent, not yet observed on the Deployment
  Completed,       // the Deployment runs the requested revision's template again
  AlreadyRunning,  // nothing to do: that revision's template is the one running
  Failed,          // refused (e.g. no such revision) or abandoned
};
const char* to_string(RequestState state);

struct RequestProgress {
  RequestState state = RequestState::Waiting;
  std::string message;  // the controller's words (history or lastRollback), empty while waiting
  std::int64_t from_revision = 0;
  std::int64_t to_revision = 0;
  std::int64_t current_revision = 0;  // the Deployment's revision as the controller saw it last
};

// How far the request has got. It is done when it is in status.handledRequests and either
// lastRollback carries its requestId (completedAt set: completed), or history says
// ManualRollbackFailed / ManualRollbackSkipped for it; a rollback that was superseded or abandoned
// after it started failed.
RequestProgress request_progress(const PolicyStatus& status, std::string_view request_id);

// Exit codes of the plugin (docs/kubectl-plugin.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTimedOut = 3;

}  // namespace rollguard::plugin
