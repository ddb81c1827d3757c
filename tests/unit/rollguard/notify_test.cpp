// Notifications, the pure part: which decisions become which notifications (through decide(), with
// the status stored through JSON as a restarted controller reads it), the outbox rules, the payloads.
#include "rollguard/notify.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "decide_harness.hpp"

namespace rollguard {
namespace {

using namespace rollguard::testing;
using std::chrono::minutes;
using std::chrono::seconds;

NotificationReceiver webhook(std::string name, std::vector<NotificationEvent> events = {}) {
  NotificationReceiver r;
  r.name = std::move(name);
  r.url_secret_ref = SecretKeyRef{"hook", "url"};
  r.events = events.empty() ? std::vector(kNotificationEvents.begin(), kNotificationEvents.end()) : events;
  return r;
}

NotificationReceiver alertmanager(std::vector<NotificationEvent> events) {
  NotificationReceiver r;
  r.name = "am";
  r.kind = ReceiverKind::Alertmanager;
  r.url = "http://am:9093";
  r.events = std::move(events);
  return r;
}

std::vector<std::string> events_of(const NotificationStatus& n) {
  std::vector<std::string> out;
  for (auto& e : n.outbox) out.push_back(e.event);
  return out;
}

// t1 good, t2 failing until the rollback is decided; receivers as given.
Harness breached(std::vector<NotificationReceiver> receivers) {
  Harness h;
  h.policy.notification_receivers = std::move(receivers);
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  for (int i = 0; i < 3; ++i) h.tick({fail()});
  return h;
}

TEST(NotifyDecide, NoReceiversNoOutboxAndNoIncident) {
  Harness h;
  h.healthy_on("t1");
  h.deployment.deploy("t2");
  h.run();
  for (int i = 0; i < 3; ++i) h.tick({fail()});
  ASSERT_TRUE(h.last.rollback);
  EXPECT_TRUE(h.stored.notifications.empty());
}

TEST(NotifyDecide, BreachAndRollbackGoOutWithTheIntent) {
  auto h = breached({webhook("oncall")});
  ASSERT_TRUE(h.last.rollback);
  ASSERT_TRUE(h.last.status_changed);
  // The status that carries the intent carries the notifications: a crash after this write still sends them.
  EXPECT_EQ(events_of(h.stored.notifications), (std::vector<std::string>{"SLOBreached", "RollbackStarted"}));
  auto& breach = h.stored.notifications.outbox[0];
  EXPECT_EQ(breach.key,
            "p-uid/SLOBreached/2/" +
                std::to_string(std::chrono::duration_cast<seconds>(h.now.time_since_epoch()).count()));
  EXPECT_EQ(breach.summary, "error-rate 0.31 > 0.05");
  ASSERT_EQ(breach.slos.size(), 1u);
  EXPECT_EQ(breach.slos[0].value, "0.31");
  EXPECT_EQ(breach.slos[0].threshold, "<= 0.05");
  EXPECT_EQ(breach.detected_at, h.now - seconds(20));
  EXPECT_EQ(breach.receivers, std::vector<std::string>{"oncall"});
  auto& started = h.stored.notifications.outbox[1];
  EXPECT_EQ(started.from_revision, 2);
  EXPECT_EQ(started.to_revision, 1);
  EXPECT_EQ(started.reason, "SLOBreached");
  EXPECT_EQ(started.started_at, h.now);
  ASSERT_TRUE(h.stored.notifications.incident);
  EXPECT_EQ(h.stored.notifications.incident->since, h.now);
  EXPECT_EQ(h.stored.notifications.incident->severity, "warning");
}

TEST(NotifyDecide, EachTransitionOnceThenRecoveredAfterTheStabilizationWindow) {
  auto h = breached({webhook("oncall")});
  const auto incident_since = h.stored.notifications.incident->since;
  // Re-sent patch (a conflict), nothing new to tell.
  h.tick({});
  EXPECT_EQ(h.stored.notifications.outbox.size(), 2u);
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  ASSERT_EQ(h.stored.phase, Phase::RolledBack);
  EXPECT_EQ(events_of(h.stored.notifications),
            (std::vector<std::string>{"SLOBreached", "RollbackStarted", "RolledBack"}));
  auto rolled_back = h.stored.notifications.outbox[2];
  EXPECT_EQ(rolled_back.revision, 3);
  EXPECT_EQ(rolled_back.completed_at, h.now);
  EXPECT_EQ(notify::text_of(rolled_back, "prod"),
            "rollguard: api rolled back 2 → 1 in prod: error-rate 0.31 > 0.05 for 3 evaluations");
  // Passing, but not yet for the window: still the incident.
  h.keep(pass(), seconds(30));
  EXPECT_EQ(h.stored.notifications.outbox.size(), 3u);
  h.keep(pass(), minutes(1));
  EXPECT_EQ(h.stored.notifications.outbox.back().event, "Recovered");
  EXPECT_EQ(h.stored.notifications.outbox.back().incident_since, incident_since);
  EXPECT_EQ(h.stored.notifications.outbox.back().severity, "info");
  // Its alert resolves the incident's alert: the same labels, the opening severity included.
  auto resolved = notify::alert_of(h.stored.notifications.outbox.back(), "api-rbp", "prod");
  auto opened = notify::alert_of(h.stored.notifications.outbox.front(), "api-rbp", "prod");
  EXPECT_EQ(notify::alertmanager_body(resolved, h.now, true)[0].at("labels"),
            notify::alertmanager_body(opened, h.now, false)[0].at("labels"));
  EXPECT_FALSE(h.stored.notifications.incident);
  EXPECT_EQ(h.stored.phase, Phase::RolledBack);  // the phase stays: a person should look
  // Nothing more while it stays healthy.
  h.keep(pass(), minutes(5));
  EXPECT_EQ(h.stored.notifications.outbox.size(), 4u);
}

TEST(NotifyDecide, EventsFilterChoosesTheReceivers) {
  auto h = breached({webhook("all"), webhook("done", {NotificationEvent::RolledBack})});
  EXPECT_EQ(h.stored.notifications.outbox[0].receivers, std::vector<std::string>{"all"});
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  EXPECT_EQ(h.stored.notifications.outbox.back().receivers, (std::vector<std::string>{"all", "done"}));
}

TEST(NotifyDecide, AlertmanagerAlwaysGetsRecovered) {
  auto h = breached({alertmanager({NotificationEvent::RolledBack})});
  EXPECT_TRUE(h.stored.notifications.outbox.empty());  // it did not ask for these
  ASSERT_TRUE(h.stored.notifications.incident);        // but the incident is open
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  h.keep(pass(), minutes(2));
  EXPECT_EQ(events_of(h.stored.notifications), (std::vector<std::string>{"RolledBack", "Recovered"}));
}

TEST(NotifyDecide, NothingPossibleIsRollbackFailed) {
  Harness h;
  h.policy.notification_receivers = {webhook("oncall")};
  h.deployment.deploy("t1");  // never last known good: nothing to roll back to
  h.run();
  for (int i = 0; i < 3; ++i) h.tick({fail()});
  ASSERT_EQ(h.stored.phase, Phase::Degraded);
  EXPECT_EQ(events_of(h.stored.notifications), (std::vector<std::string>{"SLOBreached", "RollbackFailed"}));
  EXPECT_EQ(h.stored.notifications.outbox[1].severity, "critical");
  EXPECT_EQ(h.stored.notifications.outbox[1].reason, "RollbackNotPossible");
}

TEST(NotifyDecide, RejectedTemplateBackIsBlocked) {
  auto h = breached({webhook("oncall")});
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  h.keep(pass(), minutes(2));
  h.deployment.deploy("t2");  // GitOps re-applies the rejected template
  h.tick({});
  ASSERT_EQ(h.stored.phase, Phase::Blocked);
  auto& blocked = h.stored.notifications.outbox.back();
  EXPECT_EQ(blocked.event, "Blocked");
  EXPECT_EQ(blocked.from_revision, 2);
  EXPECT_EQ(blocked.to_revision, 4);
  EXPECT_TRUE(h.stored.notifications.incident);
}

TEST(NotifyDecide, ConfirmedDeliveriesLeaveTheOutboxAndAreNotQueuedAgain) {
  auto h = breached({webhook("oncall")});
  auto status = h.stored.notifications;
  const auto key = status.outbox[0].key;
  EXPECT_TRUE(notify::confirm(status, key, "oncall"));
  EXPECT_FALSE(notify::confirm(status, key, "oncall"));
  EXPECT_EQ(status.outbox.size(), 1u);
  EXPECT_EQ(status.delivered, std::vector<std::string>{key});
  OutboxEntry again = h.stored.notifications.outbox[0];
  EXPECT_FALSE(notify::add_to_outbox(status, again));                             // delivered already
  EXPECT_FALSE(notify::add_to_outbox(status, h.stored.notifications.outbox[1]));  // queued already
}

TEST(NotifyOutbox, WaitsForEveryReceiverAndIsBounded) {
  NotificationStatus n;
  OutboxEntry e;
  e.key = "k";
  e.event = "RolledBack";
  e.receivers = {"a", "b"};
  ASSERT_TRUE(notify::add_to_outbox(n, e));
  EXPECT_TRUE(notify::confirm(n, "k", "a"));
  EXPECT_EQ(n.outbox.size(), 1u);
  EXPECT_TRUE(n.delivered.empty());
  EXPECT_TRUE(notify::confirm(n, "k", "b"));
  EXPECT_TRUE(n.outbox.empty());
  for (std::size_t i = 0; i < kMaxOutbox + 5; ++i) {
    e.key = "k" + std::to_string(i);
    notify::add_to_outbox(n, e);
  }
  EXPECT_EQ(n.outbox.size(), kMaxOutbox);
  EXPECT_EQ(n.outbox.front().key, "k5");  // the oldest went
  for (std::size_t i = 5; i < kMaxOutbox + 5; ++i) {
    notify::confirm(n, "k" + std::to_string(i), "a");
    notify::confirm(n, "k" + std::to_string(i), "b");
  }
  EXPECT_LE(n.delivered.size(), kMaxDelivered);
  EXPECT_EQ(n.delivered.back(), "k" + std::to_string(kMaxOutbox + 4));
}

TEST(NotifyOutbox, ReceiversRemovedFromThePolicyAreNotWaitedFor) {
  NotificationStatus n;
  n.outbox = {OutboxEntry{}};
  n.outbox[0].key = "k";
  n.outbox[0].receivers = {"gone", "kept"};
  Policy p;
  p.notification_receivers = {webhook("kept")};
  notify::prune_receivers(n, p);
  ASSERT_EQ(n.outbox.size(), 1u);
  EXPECT_EQ(n.outbox[0].receivers, std::vector<std::string>{"kept"});
  p.notification_receivers.clear();
  notify::prune_receivers(n, p);
  EXPECT_TRUE(n.outbox.empty());
}

TEST(NotifyOutbox, SurvivesTheStatusJson) {
  auto h = breached({webhook("oncall"), alertmanager({NotificationEvent::RolledBack})});
  boost::json::value json = h.stored.to_json();
  EXPECT_EQ(PolicyStatus::from_json(&json).notifications, h.stored.notifications);
  EXPECT_TRUE(json.at("notifications").at("incident").is_object());
}

TEST(NotifyPayload, WebhookIsSlackCompatibleWithTheFacts) {
  auto h = breached({webhook("oncall")});
  ASSERT_TRUE(h.deployment.apply(*h.last.rollback));
  h.tick({});
  auto& entry = h.stored.notifications.outbox.back();
  auto body = notify::webhook_payload(entry, "api-rbp", "prod");
  EXPECT_EQ(body.at("text").as_string(),
            "rollguard: api rolled back 2 → 1 in prod: error-rate 0.31 > 0.05 for 3 evaluations");
  EXPECT_EQ(body.at("event").as_string(), "RolledBack");
  EXPECT_EQ(body.at("severity").as_string(), "warning");
  EXPECT_EQ(body.at("policy").as_string(), "api-rbp");
  EXPECT_EQ(body.at("namespace").as_string(), "prod");
  EXPECT_EQ(body.at("deployment").as_string(), "api");
  EXPECT_EQ(body.at("fromRevision").as_int64(), 2);
  EXPECT_EQ(body.at("toRevision").as_int64(), 1);
  EXPECT_EQ(body.at("reason").as_string(), "SLOBreached");
  EXPECT_EQ(body.at("slos").at(0).at("name").as_string(), "error-rate");
  EXPECT_EQ(body.at("slos").at(0).at("value").as_string(), "0.31");
  EXPECT_EQ(body.at("slos").at(0).at("threshold").as_string(), "<= 0.05");
  EXPECT_EQ(body.at("time").as_string(), kube::format_time(h.now));
  EXPECT_TRUE(body.contains("detectedAt"));
  EXPECT_TRUE(body.contains("startedAt"));
  EXPECT_EQ(body.at("completedAt").as_string(), kube::format_time(h.now));
  EXPECT_EQ(body.at("idempotencyKey").as_string(), entry.key);
}

TEST(NotifyPayload, AlertmanagerFiringAndResolvedKeepTheirLabels) {
  Incident incident{kStart, "api", "warning", "RolledBack", "rollguard: api rolled back", "m"};
  auto alert = notify::alert_of(incident, "api-rbp", "prod");
  const auto now = kStart + minutes(3);
  auto firing = notify::alertmanager_body(alert, now, false);
  auto resolved = notify::alertmanager_body(alert, now, true);
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0].at("labels"), resolved[0].at("labels"));
  auto& labels = firing[0].at("labels").as_object();
  EXPECT_EQ(labels.at("alertname").as_string(), "RollguardRollback");
  EXPECT_EQ(labels.at("policy").as_string(), "api-rbp");
  EXPECT_EQ(labels.at("namespace").as_string(), "prod");
  EXPECT_EQ(labels.at("deployment").as_string(), "api");
  EXPECT_EQ(labels.at("severity").as_string(), "warning");
  EXPECT_EQ(firing[0].at("annotations").at("summary").as_string(), "rollguard: api rolled back");
  EXPECT_EQ(firing[0].at("startsAt").as_string(), kube::format_time(kStart));
  EXPECT_EQ(firing[0].at("endsAt").as_string(), kube::format_time(now + minutes(4)));
  auto often = notify::alertmanager_body(alert, now, false, seconds(2));
  EXPECT_EQ(often[0].at("endsAt").as_string(), kube::format_time(now + seconds(8)));
  EXPECT_EQ(resolved[0].at("endsAt").as_string(), kube::format_time(now));
  EXPECT_EQ(notify::alertmanager_endpoint("http://am:9093/"), "http://am:9093/api/v2/alerts");
  EXPECT_EQ(notify::alertmanager_endpoint("http://am:9093"), "http://am:9093/api/v2/alerts");
}

TEST(NotifyDelivery, BackoffDoublesToAMinuteAndOnlyTransientAnswersRetry) {
  EXPECT_EQ(notify::retry_delay(1), std::chrono::milliseconds(1000));
  EXPECT_EQ(notify::retry_delay(2), std::chrono::milliseconds(2000));
  EXPECT_EQ(notify::retry_delay(4), std::chrono::milliseconds(8000));
  EXPECT_EQ(notify::retry_delay(20), std::chrono::milliseconds(60000));
  EXPECT_TRUE(notify::retryable_status(503));
  EXPECT_TRUE(notify::retryable_status(429));
  EXPECT_TRUE(notify::retryable_status(408));
  EXPECT_FALSE(notify::retryable_status(400));
  EXPECT_FALSE(notify::retryable_status(404));
}

// A rollback whose patch the API server refuses for good: RollbackFailed, once, critical.
TEST(NotifyDecide, APatchRefusedForGoodIsRollbackFailedOnce) {
  auto h = breached({webhook("oncall", {NotificationEvent::RollbackFailed})});
  ASSERT_TRUE(h.stored.pending_rollback);
  h.stored.pending_rollback->failed_attempts = 1;
  h.stored.pending_rollback->last_error = "Forbidden (403): denied by admission webhook";
  h.stored.pending_rollback->last_error_permanent = true;
  h.tick({});
  EXPECT_EQ(events_of(h.stored.notifications), std::vector<std::string>{"RollbackFailed"});
  ASSERT_FALSE(h.stored.notifications.outbox.empty());
  const auto& entry = h.stored.notifications.outbox.back();
  EXPECT_EQ(entry.severity, "critical");
  EXPECT_EQ(entry.reason, "RollbackFailed");
  EXPECT_NE(entry.summary.find("denied by admission webhook"), std::string::npos) << entry.summary;
  h.stored.pending_rollback->failed_attempts = 2;
  h.tick({});
  EXPECT_EQ(events_of(h.stored.notifications), std::vector<std::string>{"RollbackFailed"});
}

}  // namespace
}  // namespace rollguard
