#pragma once
// Notifications, the pure part: the outbox rules (what a delivery confirms, which receivers an
// entry still waits for) and the payloads (a Slack-compatible webhook body, Alertmanager alerts).
// Which decisions become which notifications is decide()'s (decide_notify.cpp), so the outbox goes
// out in the same status write as the decision. The I/O is notifier.hpp's.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"

namespace rollguard::notify {

// "uid/RolledBack/7/1764637200": the same for every attempt and every restart (it is stored with
// the entry), different for another transition of the same kind.
std::string idempotency_key(std::string_view policy_uid, std::string_view event, std::int64_t revision,
                            SystemTime time);

// The receivers of `policy` that want `event` (an Alertmanager always gets Recovered: it resolves
// the alert the other events raised).
std::vector<std::string> receivers_for(const Policy& policy, std::string_view event);

// Adds `entry` unless its key is already in the outbox or delivered; the oldest entries go beyond
// kMaxOutbox. Returns false when it was a duplicate.
bool add_to_outbox(NotificationStatus& status, OutboxEntry entry);

// `receiver` is done with `key` (delivered, or given up on): the entry stops waiting for it; an
// entry nobody waits for leaves the outbox and its key is recorded as delivered (bounded).
// Returns true when the status changed.
bool confirm(NotificationStatus& status, std::string_view key, std::string_view receiver);

// Receivers that are no longer in the policy are not waited for (nothing could deliver to them).
void prune_receivers(NotificationStatus& status, const Policy& policy);

// "rollguard: web rolled back 7 → 6 in shop: error-rate 0.31 > 0.05"
std::string text_of(const OutboxEntry& entry, std::string_view ns);

// The webhook body: text (Slack's field), then the structured fields; see docs/notifications.md.
boost::json::object webhook_payload(const OutboxEntry& entry, std::string_view policy, std::string_view ns);

// One alert of the policy's incident. Its labels are its identity in Alertmanager, so they do not
// change while the incident lasts (severity is the incident's opening one, also for the Recovered
// that resolves it); annotations carry the latest line.
struct Alert {
  std::string policy;
  std::string ns;
  std::string deployment;
  std::string severity;
  std::string summary;
  std::string description;
  SystemTime starts_at{};
};
Alert alert_of(const Incident& incident, std::string_view policy, std::string_view ns);
Alert alert_of(const OutboxEntry& entry, std::string_view policy, std::string_view ns);

// A firing alert is re-posted every `repeat` (default kAlertRepeat) and lives 4 of them without one
// (endsAt): a controller that went away leaves an alert that ends by itself, one that is merely
// slow does not let it flap.
inline constexpr std::chrono::seconds kAlertRepeat{60};
inline constexpr int kAlertLifetimeRepeats = 4;
// The /api/v2/alerts body: firing (endsAt = now + 4 × repeat) or resolved (endsAt = now).
boost::json::array alertmanager_body(const Alert& alert, SystemTime now, bool resolved,
                                     Duration repeat = kAlertRepeat);
// base "http://am:9093" or "http://am:9093/" -> "http://am:9093/api/v2/alerts".
std::string alertmanager_endpoint(std::string_view base);

// Delivery: attempts and backoff (1 s, 2 s, 4 s ... at most 60 s), and which answers are worth
// another attempt (none from a receiver that rejects the request itself).
inline constexpr int kMaxAttempts = 8;
std::chrono::milliseconds retry_delay(int failed_attempts);
bool retryable_status(int http_status);

}  // namespace rollguard::notify
