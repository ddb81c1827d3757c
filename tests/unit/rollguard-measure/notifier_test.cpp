// The Notifier against a real local HTTP server (an Alertmanager receiver with a literal URL, so no
// Secret and no API server), with a FakeClock driving the backoff: a 503 is retried after the
// first backoff step, the delivery is confirmed into the outbox, and a confirmed entry is not sent
// again by a later sync.
#include "rollguard/notifier.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "test_http_server.hpp"

namespace rollguard {
namespace {

using measure::testing::TestHttpServer;
using measure::testing::TestReply;
using measure::testing::TestRequest;

class NotifierTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  std::shared_ptr<kube::FakeClock> clock = std::make_shared<kube::FakeClock>();
  prometheus::Registry registry;
  int answered = 0;
  int fail_first = 1;
  TestHttpServer server{io, [this](const TestRequest&) {
                          ++answered;
                          TestReply reply;
                          reply.status = answered <= fail_first ? 503 : 200;
                          return reply;
                        }};
  std::shared_ptr<Notifier> notifier =
      std::make_shared<Notifier>(io.get_executor(), nullptr, clock, registry);
  std::vector<std::string> confirmed_for;

  Policy policy() const {
    Policy p;
    p.name = "web";
    p.ns = "shop";
    p.uid = "uid";
    NotificationReceiver am;
    am.name = "am";
    am.kind = ReceiverKind::Alertmanager;
    am.url = server.url("");
    am.events = {kNotificationEvents.begin(), kNotificationEvents.end()};
    p.notification_receivers = {am};
    return p;
  }
  static NotificationStatus outbox() {
    NotificationStatus n;
    OutboxEntry e;
    e.key = "uid/RolledBack/3/100";
    e.event = "RolledBack";
    e.severity = "warning";
    e.deployment = "web";
    e.time = SystemTime{} + std::chrono::hours(500000);
    e.incident_since = e.time;
    e.receivers = {"am"};
    n.outbox = {e};
    n.incident = Incident{e.time, "web", "warning", "RolledBack", "rollguard: web rolled back", "m"};
    return n;
  }
  // Real sockets: run the loop (real time) until `done` or 5 s.
  template <class Done>
  bool run_until(Done done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < end) {
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }
  // Runs the loop a little (real time): long enough for a request that should not come.
  void settle() {
    io.restart();
    io.run_for(std::chrono::milliseconds(300));
  }
  std::string metrics() const {
    prometheus::TextSerializer serializer;
    return serializer.Serialize(registry.Collect());
  }

  void SetUp() override {
    notifier->on_confirmed(
        [this](const std::string& ns, const std::string& name) { confirmed_for.push_back(ns + "/" + name); });
    notifier->start();
    settle();  // the workers and the re-poster start waiting (on the fake clock from now)
  }
  void TearDown() override {
    notifier->stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
  }
};

TEST_F(NotifierTest, RetriesAfterBackoffConfirmsAndDoesNotSendAgain) {
  const auto p = policy();
  auto status = outbox();
  notifier->sync(p, status);
  ASSERT_TRUE(run_until([&] { return server.requests().size() == 1; }));
  auto first = server.requests()[0];
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.target, "/api/v2/alerts");
  EXPECT_EQ(first.headers["idempotency-key"], "uid/RolledBack/3/100");
  auto alerts = boost::json::parse(first.body).as_array();
  EXPECT_EQ(alerts[0].at("labels").at("alertname").as_string(), "RollguardRollback");
  EXPECT_EQ(alerts[0].at("labels").at("policy").as_string(), "web");
  // 503: nothing confirmed; the retry waits for the first backoff step (1 s of the fake clock).
  ASSERT_TRUE(run_until([&] { return metrics().find("result=\"retried\"") != std::string::npos; }));
  EXPECT_FALSE(notifier->apply_confirmations("shop/web", status));
  notifier->sync(p, status);  // a reconcile meanwhile: already waiting to retry, not queued twice
  clock->advance(std::chrono::milliseconds(900));
  settle();
  EXPECT_EQ(server.requests().size(), 1u);
  clock->advance(std::chrono::milliseconds(100));
  ASSERT_TRUE(run_until([&] { return !confirmed_for.empty(); }));
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(confirmed_for, std::vector<std::string>{"shop/web"});
  // The next status write carries the confirmation: the entry leaves the outbox, its key is kept.
  EXPECT_TRUE(notifier->apply_confirmations("shop/web", status));
  EXPECT_TRUE(status.outbox.empty());
  EXPECT_EQ(status.delivered, std::vector<std::string>{"uid/RolledBack/3/100"});
  // A sync with a status that still has the entry (the write not seen yet) does not send it again.
  notifier->sync(p, outbox());
  settle();
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_NE(metrics().find(
                "rollguard_notifications_total{event=\"RolledBack\",receiver=\"am\",result=\"delivered\"} 1"),
            std::string::npos)
      << metrics();
}

TEST_F(NotifierTest, AnOpenIncidentIsRepostedAndAResolvedOneIsNot) {
  fail_first = 0;
  const auto p = policy();
  auto status = outbox();
  status.outbox.clear();  // nothing to deliver, only the open incident
  notifier->sync(p, status);
  clock->advance(std::chrono::seconds(60));
  ASSERT_TRUE(run_until([&] { return server.requests().size() == 1; }));
  auto alert = boost::json::parse(server.requests()[0].body).as_array()[0].as_object();
  EXPECT_EQ(alert.at("annotations").at("summary").as_string(), "rollguard: web rolled back");
  // Closed (Recovered written): no more re-posts.
  status.incident.reset();
  notifier->sync(p, status);
  clock->advance(std::chrono::seconds(60));
  settle();
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace rollguard
