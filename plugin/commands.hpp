#pragma once
// The subcommands of `kubectl rollguard`. Each talks to the cluster through a Session, prints to
// `out` (what was asked for, progress) and `err` (errors, as "error: ..."), and returns the exit code
// (rollback_request.hpp: 0 done, 1 failed, 2 usage or bad input, 3 timed out).
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "session.hpp"

namespace rollguard::plugin {

struct StatusFlags {
  std::string policy;  // empty: the table of every policy
  bool all_namespaces = false;
};
int run_status(Session& session, const StatusFlags& flags, std::ostream& out, std::ostream& err);
int run_timeline(Session& session, const std::string& policy, std::ostream& out, std::ostream& err);
int run_why(Session& session, const std::string& policy, std::ostream& out, std::ostream& err);
// pause: spec.paused true; resume: false (a merge patch, nothing else changes).
int run_set_paused(Session& session, const std::string& policy, bool paused, std::ostream& out,
                   std::ostream& err);

struct RollbackFlags {
  std::string policy;
  std::int64_t to_revision = 0;
  std::string reason;
  std::string request_id;  // empty: a fresh one
  std::chrono::milliseconds timeout = std::chrono::minutes{5};
  bool wait = true;
  std::chrono::milliseconds poll_interval{500};
};
int run_rollback(Session& session, const RollbackFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace rollguard::plugin
