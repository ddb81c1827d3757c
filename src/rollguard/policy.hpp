#pragma once
// The RollbackPolicy spec as plain values, and its validation. parse_policy reports every problem
// at once, each with the field path a user would type ("spec.slos[1].prometheus.query"), because
// the CRD schema cannot be trusted to have caught them: the installed CRD may be older than the
// controller, `kubectl apply --validate=false` skips it, and other tools write objects too.
#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/label_selector.hpp"
#include "rollguard/slo.hpp"

namespace rollguard {

enum class RollbackMode { Automatic, DryRun };
enum class RollbackTarget { LastKnownGood, PreviousRevision };
const char* to_string(RollbackMode mode);
const char* to_string(RollbackTarget target);

struct RollbackSpec {
  RollbackMode mode = RollbackMode::Automatic;
  RollbackTarget to = RollbackTarget::LastKnownGood;
  Duration cooldown = std::chrono::minutes{10};  // no automatic rollback this long after the last one started
  // Grouped policies: a rollback of one target rolls back every target that changed since its last
  // known good (each once); false judges each target on its own.
  bool together = false;
  friend bool operator==(const RollbackSpec&, const RollbackSpec&) = default;
};

// spec.manualRollback: a declarative emergency rollback, carried out once per request_id.
struct ManualRollback {
  std::int64_t to_revision = 0;
  std::string request_id;
  // Set by the controller when it asks for a rollback itself (a grouped policy's rollback.together):
  // the words that replace "manual rollback <requestId>" in messages, Events and change-cause.
  std::string why;
  std::string target;  // spec.manualRollback.target: the Deployment, on a grouped policy
  friend bool operator==(const ManualRollback&, const ManualRollback&) = default;
};

// What a notification is about; spec.notifications.*[].events chooses among them.
enum class NotificationEvent { SLOBreached, RollbackStarted, RolledBack, RollbackFailed, Blocked, Recovered };
inline constexpr std::array<NotificationEvent, 6> kNotificationEvents = {
    NotificationEvent::SLOBreached,    NotificationEvent::RollbackStarted, NotificationEvent::RolledBack,
    NotificationEvent::RollbackFailed, NotificationEvent::Blocked,         NotificationEvent::Recovered};
const char* to_string(NotificationEvent event);
std::optional<NotificationEvent> parse_notification_event(std::string_view text);

// webhook: a Slack-compatible JSON POST per event. alertmanager: alerts posted to /api/v2/alerts,
// re-posted while the incident lasts and resolved on Recovered.
enum class ReceiverKind { Webhook, Alertmanager };
const char* to_string(ReceiverKind kind);

// spec.notifications.webhooks[] and .alertmanagers[]: where notifications go. A webhook's URL lives
// in a Secret (it usually carries a token); an Alertmanager's may be literal.
struct NotificationReceiver {
  std::string name;  // unique across both lists; in logs and metrics (never the URL)
  ReceiverKind kind = ReceiverKind::Webhook;
  std::string url;                             // literal (alertmanager only)
  std::optional<SecretKeyRef> url_secret_ref;  // or from a Secret
  std::vector<NotificationEvent> events;       // never empty once parsed (absent: all of them)
  Duration timeout = std::chrono::seconds{5};  // of one delivery attempt
  bool wants(NotificationEvent event) const;
  friend bool operator==(const NotificationReceiver&, const NotificationReceiver&) = default;
};

struct Policy {
  // metadata
  std::string name;
  std::string ns;
  std::string uid;
  std::int64_t generation = 0;
  // spec
  std::string target_name;  // spec.targetRef: one Deployment in the policy's namespace
  // A grouped policy instead: spec.targetRefs (names, in order) or spec.targetSelector. Each
  // Deployment it covers is judged as if it were the target of a policy of its own, with its status
  // under status.targets[]; rollback.together couples their rollbacks.
  std::vector<std::string> target_names;
  std::optional<LabelSelector> target_selector;
  bool grouped() const { return !target_names.empty() || target_selector.has_value(); }
  Duration interval = std::chrono::seconds{10};
  Duration stabilization_window = std::chrono::minutes{5};
  int failure_threshold = 3;
  int inconclusive_threshold = 5;  // 0 = inconclusive evaluations never count as failing
  std::vector<Slo> slos;
  RollbackSpec rollback;
  std::optional<ManualRollback> manual_rollback;
  bool paused = false;
  std::vector<NotificationReceiver> notification_receivers;
  friend bool operator==(const Policy&, const Policy&) = default;
};

// One validation problem: the field's path from the object root, and what is wrong with it.
struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// The policy with every field that parsed (metadata always, so an invalid policy can still be
// reported on), and every error found. The policy is only to be acted on when ok().
struct PolicyOrErrors {
  Policy policy;
  std::vector<FieldError> errors;
  bool ok() const { return errors.empty(); }
};

// Parses a RollbackPolicy object (apiVersion/kind/metadata/spec; status is ignored).
PolicyOrErrors parse_policy(const boost::json::object& rbp);

// "spec.interval: invalid duration \"ten\": ...; spec.slos[0].name: required", at most `limit`
// errors and then "(and N more)", for a condition message.
std::string describe(const std::vector<FieldError>& errors, std::size_t limit = 5);

}  // namespace rollguard
