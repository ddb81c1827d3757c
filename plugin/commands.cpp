#include "commands.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <cstdio>
#include <ostream>
#include <random>
#include <thread>
#include <tuple>

#include "policy_view.hpp"
#include "render.hpp"
#include "rollback_request.hpp"
#include "text.hpp"

namespace rollguard::plugin {

namespace json = boost::json;

namespace {

SystemTime now() { return std::chrono::system_clock::now(); }

int fail(std::ostream& err, const std::string& message, int code = kExitFailed) {
  err << "error: " << message << "\n";
  return code;
}

// The policy, or the exit code after saying why there is none.
struct Fetched {
  std::optional<PolicyView> view;
  int exit_code = kExitOk;
};

Fetched fetch(Session& session, const std::string& name, std::ostream& err) {
  auto object = session.get_policy(name);
  if (!object) return {std::nullopt, fail(err, describe_policy_error(object.error(), name, session.ns()))};
  if (!object->is_object())
    return {std::nullopt, fail(err, "the API server answered with something that is not an object")};
  return {view_of(object->as_object()), kExitOk};
}

std::vector<PolicyView> views_of(const json::value& list) {
  std::vector<PolicyView> views;
  const auto* items = list.is_object() ? list.as_object().if_contains("items") : nullptr;
  if (items && items->is_array()) {
    for (const auto& item : items->as_array()) {
      if (item.is_object()) views.push_back(view_of(item.as_object()));
    }
  }
  std::sort(views.begin(), views.end(), [](const PolicyView& a, const PolicyView& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  });
  return views;
}

std::string seconds_since(std::chrono::steady_clock::time_point start) {
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1fs", elapsed);
  return buffer;
}

// Why a request may be taking long, for the notes while following it.
std::string waiting_note(const PolicyView& view) {
  std::string note = "phase " + std::string(to_string(view.status.phase));
  if (view.status.observed_generation == 0)
    note += "; the policy has no status yet (is the controller running?)";
  else if (status_is_stale(view))
    note += "; status is of generation " + std::to_string(view.status.observed_generation) +
            ", the spec at " + std::to_string(view.generation) + " (is the controller running?)";
  if (view.status.pending_rollback) note += "; another rollback is in progress";
  if (view.paused) note += "; the policy is paused";
  return note;
}

std::uint32_t random_word() {
  std::random_device device;
  return device();
}

// Done means the restored template is on the Deployment; whether its pods are up yet is the next
// question, answered once (a Deployment the user may not read is simply not reported).
void report_rollout(Session& session, const std::string& deployment, std::ostream& out) {
  if (deployment.empty()) return;
  auto object = session.get_deployment(deployment);
  if (!object || !object->is_object()) return;
  const RolloutState rollout = deployment_rollout(object->as_object());
  out << "Deployment " << deployment << ": " << rollout.text;
  if (!rollout.complete) out << " (`kubectl rollout status deployment/" << deployment << "` follows it)";
  out << "\n";
}

// Reads the policy until the request is done, refused or --timeout is up, saying how far it got.
int follow_request(Session& session, const RollbackFlags& flags, const std::string& request_id,
                   std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + flags.timeout;
  auto next_note = start + std::chrono::seconds{10};
  std::optional<RequestState> shown;
  std::string last_error;
  while (true) {
    auto object = session.get_policy(flags.policy);
    if (!object) {
      if (object.error().is_not_found())
        return fail(err, describe_policy_error(object.error(), flags.policy, session.ns()));
      // Transient trouble (a 5xx, a dropped connection) is no verdict: keep following.
      const std::string message = object.error().describe();
      if (message != last_error) err << "warning: reading the policy failed, retrying: " << message << "\n";
      last_error = message;
    } else if (object->is_object()) {
      last_error.clear();
      const PolicyView view = view_of(object->as_object());
      const RequestProgress progress = request_progress(view.status, request_id);
      if (progress.state != shown) {
        shown = progress.state;
        switch (progress.state) {
          case RequestState::Waiting:
            out << "waiting for the controller to take the request\n";
            break;
          case RequestState::RollingBack:
            out << "rolling back revision " << revision(progress.from_revision) << " → "
                << revision(progress.to_revision) << " (" << seconds_since(start) << ")\n";
            break;
          case RequestState::Completed:
            out << "rolled back " << revision(progress.from_revision) << " → "
                << revision(progress.to_revision) << ": Deployment " << or_dash(view.target)
                << " runs revision " << revision(progress.to_revision) << "'s template again, now revision "
                << revision(progress.current_revision) << " (after " << seconds_since(start) << ")\n";
            report_rollout(session, view.target, out);
            return kExitOk;
          case RequestState::AlreadyRunning:
            out << "nothing to do: " << progress.message << "\n";
            return kExitOk;
          case RequestState::Failed:
            return fail(err, "rollback failed: " + progress.message);
        }
      } else if (std::chrono::steady_clock::now() >= next_note) {
        out << "  ... still " << (progress.state == RequestState::Waiting ? "waiting" : "rolling back")
            << " (" << seconds_since(start) << "): " << waiting_note(view) << "\n";
        next_note = std::chrono::steady_clock::now() + std::chrono::seconds{10};
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(err,
                  "timed out after " + human_duration(flags.timeout) + " waiting for request " + request_id +
                      (shown == RequestState::RollingBack ? " to complete" : " to be handled") +
                      "; it stays in spec.manualRollback and the controller may still carry it out "
                      "(kubectl rollguard status " +
                      flags.policy + ")",
                  kExitTimedOut);
    }
    std::this_thread::sleep_for(flags.poll_interval);
  }
}

}  // namespace

int run_status(Session& session, const StatusFlags& flags, std::ostream& out, std::ostream& err) {
  if (!flags.policy.empty()) {
    auto fetched = fetch(session, flags.policy, err);
    if (!fetched.view) return fetched.exit_code;
    out << render_status_detail(*fetched.view, now());
    return kExitOk;
  }
  auto list = session.list_policies(flags.all_namespaces);
  if (!list) return fail(err, describe_policy_error(list.error(), "", session.ns()));
  const auto views = views_of(*list);
  if (views.empty()) {
    out << (flags.all_namespaces ? std::string("No rollbackpolicies found.\n")
                                 : "No rollbackpolicies found in namespace \"" + session.ns() + "\".\n");
    return kExitOk;
  }
  out << render_status_table(views, flags.all_namespaces, now());
  return kExitOk;
}

int run_timeline(Session& session, const std::string& policy, std::ostream& out, std::ostream& err) {
  auto fetched = fetch(session, policy, err);
  if (!fetched.view) return fetched.exit_code;
  out << render_timeline(*fetched.view, now());
  return kExitOk;
}

int run_why(Session& session, const std::string& policy, std::ostream& out, std::ostream& err) {
  auto fetched = fetch(session, policy, err);
  if (!fetched.view) return fetched.exit_code;
  out << render_why(*fetched.view, now());
  return kExitOk;
}

int run_set_paused(Session& session, const std::string& policy, bool paused, std::ostream& out,
                   std::ostream& err) {
  auto fetched = fetch(session, policy, err);
  if (!fetched.view) return fetched.exit_code;
  const char* done = paused ? "paused" : "resumed";
  if (fetched.view->paused == paused) {
    out << "rollbackpolicy.rollguard.io/" << policy << " already " << (paused ? "paused" : "running") << "\n";
    return kExitOk;
  }
  const json::value patch = json::object{{"spec", json::object{{"paused", paused}}}};
  auto patched = session.merge_patch_policy(policy, patch);
  if (!patched) return fail(err, describe_policy_error(patched.error(), policy, session.ns()));
  out << "rollbackpolicy.rollguard.io/" << policy << " " << done;
  if (paused)
    out << ": SLOs are still measured and reported; nothing is rolled back until `kubectl rollguard resume "
        << policy << "`\n";
  else
    out << ": the controller acts on its SLOs again\n";
  return kExitOk;
}

int run_rollback(Session& session, const RollbackFlags& flags, std::ostream& out, std::ostream& err) {
  if (flags.to_revision < 1)
    return fail(err, "--to-revision must be a revision number (1 or more)", kExitUsage);
  if (flags.request_id.size() > 128)
    return fail(err, "--request-id is longer than 128 characters (the CRD's limit)", kExitUsage);
  auto fetched = fetch(session, flags.policy, err);
  if (!fetched.view) return fetched.exit_code;
  const PolicyView& before = *fetched.view;
  if (before.paused) {
    return fail(err, "rollbackpolicy \"" + flags.policy +
                         "\" is paused and a paused policy carries out no rollback; resume it first "
                         "(kubectl rollguard resume " +
                         flags.policy + ")");
  }
  const std::string request_id =
      flags.request_id.empty() ? new_request_id(now(), random_word()) : flags.request_id;
  if (request_handled(before.status, request_id))
    return fail(err, "request " + request_id + " was handled already; a new requestId orders a new rollback",
                kExitUsage);

  // spec.manualRollback holds one request: one not yet carried out is replaced, so say so.
  if (const auto& previous = before.manual_rollback;
      previous && !request_handled(before.status, previous->request_id))
    err << "warning: replacing request " << previous->request_id << " (to revision " << previous->to_revision
        << "), which the controller has not carried out yet\n";
  const json::value patch = rollback_patch(flags.to_revision, request_id, flags.reason);
  auto patched = session.merge_patch_policy(flags.policy, patch);
  if (!patched) return fail(err, describe_policy_error(patched.error(), flags.policy, session.ns()));
  out << "rollback of Deployment " << or_dash(before.target) << " to revision " << flags.to_revision
      << " requested (rollbackpolicy " << flags.policy << ", requestId " << request_id << ")\n";
  if (!flags.wait) {
    out << "not waiting; follow it with `kubectl rollguard timeline " << flags.policy << "`\n";
    return kExitOk;
  }

  return follow_request(session, flags, request_id, out, err);
}

}  // namespace rollguard::plugin
