#include "runtime/event_recorder.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

namespace rollguard::runtime {
namespace {

using namespace std::chrono_literals;

void poll(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}

struct Written {
  bool create;
  std::string ns, name;
  boost::json::object body;
};

class MemoryWriter final : public EventWriter {
 public:
  explicit MemoryWriter(std::vector<Written>* out) : out_(out) {}
  bool fail = false;
  boost::asio::awaitable<kube::Result<void>> create(const std::string& ns,
                                                    boost::json::object event) override {
    if (fail) co_return kube::Error(kube::ErrorKind::Network, "down");
    std::string name(event.at("metadata").at("name").as_string());
    out_->push_back({true, ns, name, std::move(event)});
    co_return kube::Result<void>{};
  }
  boost::asio::awaitable<kube::Result<void>> patch(const std::string& ns, const std::string& name,
                                                   boost::json::object patch) override {
    if (fail) co_return kube::Error(kube::ErrorKind::Network, "down");
    out_->push_back({false, ns, name, std::move(patch)});
    co_return kube::Result<void>{};
  }

 private:
  std::vector<Written>* out_;
};

ObjectReference deployment(const std::string& name) {
  return {"apps/v1", "Deployment", "prod", name, "uid-" + name, "7"};
}

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = std::make_unique<MemoryWriter>(&written);
    memory = writer.get();
    EventRecorderOptions options;
    options.reporting_instance = "rollguard-0_abc";
    options.queue_capacity = 50;
    recorder = std::make_unique<EventRecorder>(std::move(writer), clock, options);
    boost::asio::co_spawn(
        io,
        [this]() -> boost::asio::awaitable<void> {
          co_await recorder->run();
          finished = true;
        },
        boost::asio::detached);
    poll(io);
  }
  void TearDown() override {
    recorder->shut_down();
    poll(io);
    EXPECT_TRUE(finished);
  }

  boost::asio::io_context io;
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::vector<Written> written;
  MemoryWriter* memory = nullptr;
  std::unique_ptr<EventRecorder> recorder;
  bool finished = false;
};

TEST_F(EventRecorderTest, CreatesAnEventsV1EventOnTheRegardingObject) {
  recorder->record(deployment("web"), EventType::Warning, "RolledBack", "Rollback", "error rate 12% > 5%");
  poll(io);
  ASSERT_EQ(written.size(), 1u);
  const auto& e = written[0].body;
  EXPECT_TRUE(written[0].create);
  EXPECT_EQ(written[0].ns, "prod");
  EXPECT_EQ(e.at("apiVersion"), "events.k8s.io/v1");
  EXPECT_EQ(e.at("type"), "Warning");
  EXPECT_EQ(e.at("reason"), "RolledBack");
  EXPECT_EQ(e.at("action"), "Rollback");
  EXPECT_EQ(e.at("reportingController"), "rollguard.io/rollguard");
  EXPECT_EQ(e.at("reportingInstance"), "rollguard-0_abc");
  EXPECT_EQ(e.at("regarding").at("uid"), "uid-web");
  EXPECT_EQ(e.at("regarding").at("kind"), "Deployment");
  EXPECT_EQ(std::string(e.at("metadata").at("name").as_string()).rfind("web.", 0), 0u);
  EXPECT_TRUE(e.contains("eventTime"));
}

TEST_F(EventRecorderTest, TheRelatedObjectIsWrittenBesideRegardingAndSeparatesSeries) {
  const ObjectReference policy{
      "rollguard.io/v1alpha1", "RollbackPolicy", "prod", "guard-web", "uid-guard", "3"};
  const ObjectReference other{"rollguard.io/v1alpha1", "RollbackPolicy", "prod",
                              "guard-other",           "uid-other",      "4"};
  recorder->record(deployment("web"), policy, EventType::Warning, "RolledBack", "Rollback", "same");
  recorder->record(deployment("web"), other, EventType::Warning, "RolledBack", "Rollback", "same");
  recorder->record(deployment("web"), EventType::Warning, "RolledBack", "Rollback", "same");
  poll(io);
  ASSERT_EQ(written.size(), 3u);  // another related object is another event, not a repeat
  for (auto& w : written) EXPECT_TRUE(w.create);
  EXPECT_EQ(written[0].body.at("related"), policy.to_json());
  EXPECT_EQ(written[0].body.at("regarding").at("name"), "web");
  EXPECT_EQ(written[1].body.at("related").at("name"), "guard-other");
  EXPECT_FALSE(written[2].body.contains("related"));
  EXPECT_EQ(std::string(to_string(EventType::Normal)), "Normal");
}

TEST_F(EventRecorderTest, RepeatsFoldIntoASeriesPatchedNowThenPeriodically) {
  for (int i = 0; i < 5; ++i)
    recorder->record(deployment("web"), EventType::Normal, "Evaluated", "Evaluate", "all SLOs pass");
  poll(io);
  ASSERT_EQ(written.size(), 2u);  // the create + the count=2 patch
  EXPECT_FALSE(written[1].create);
  EXPECT_EQ(written[1].name, written[0].name);
  EXPECT_EQ(written[1].body.at("series").at("count"), 2);
  EXPECT_EQ(recorder->stats().folded, 4u);
  clock->advance(1min);
  poll(io);
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[2].body.at("series").at("count"), 5);
  EXPECT_TRUE(written[2].body.at("series").as_object().contains("lastObservedTime"));
}

TEST_F(EventRecorderTest, DifferentNotesOrObjectsAreSeparateEvents) {
  recorder->record(deployment("web"), EventType::Normal, "Evaluated", "Evaluate", "a");
  recorder->record(deployment("web"), EventType::Normal, "Evaluated", "Evaluate", "b");
  recorder->record(deployment("api"), EventType::Normal, "Evaluated", "Evaluate", "a");
  poll(io);
  ASSERT_EQ(written.size(), 3u);
  for (auto& w : written) EXPECT_TRUE(w.create);
  EXPECT_NE(written[0].name, written[1].name);
}

TEST_F(EventRecorderTest, AfterTheSeriesWindowARepeatStartsANewEvent) {
  recorder->record(deployment("web"), EventType::Normal, "Evaluated", "Evaluate", "same");
  poll(io);
  clock->advance(7min);
  poll(io);
  recorder->record(deployment("web"), EventType::Normal, "Evaluated", "Evaluate", "same");
  poll(io);
  ASSERT_EQ(written.size(), 2u);
  EXPECT_TRUE(written[1].create);
}

TEST_F(EventRecorderTest, FloodsFromOneObjectAreRateLimitedAfterTheBurst) {
  for (int i = 0; i < 40; ++i) {
    recorder->record(deployment("web"), EventType::Normal, "Step", "Step", "step " + std::to_string(i));
  }
  recorder->record(deployment("api"), EventType::Normal, "Step", "Step", "other object");
  poll(io);
  EXPECT_EQ(written.size(), 26u);  // 25 from web (burst), 1 from api
  EXPECT_EQ(recorder->stats().rate_limited, 15u);
  clock->advance(5min);  // one token back
  recorder->record(deployment("web"), EventType::Normal, "Step", "Step", "later");
  poll(io);
  EXPECT_EQ(written.size(), 27u);
}

TEST_F(EventRecorderTest, RecordNeverBlocksAndTransientFailuresAreRetriedAFewTimesThenCounted) {
  memory->fail = true;
  recorder->record(deployment("web"), EventType::Warning, "Failed", "Rollback", "x");
  poll(io);
  EXPECT_EQ(recorder->pending(), 0u);
  EXPECT_EQ(recorder->stats().write_errors, 0u);  // waiting to retry
  for (int attempt = 1; attempt <= 3; ++attempt) {
    clock->advance(std::chrono::milliseconds(200 * attempt));
    poll(io);
  }
  EXPECT_EQ(recorder->stats().write_errors, 1u);  // four attempts, then dropped
  EXPECT_TRUE(written.empty());
}

TEST_F(EventRecorderTest, AnEventWhoseRetrySucceedsIsWrittenOnce) {
  memory->fail = true;
  recorder->record(deployment("web"), EventType::Normal, "RolledBack", "Rollback", "x");
  poll(io);
  memory->fail = false;
  clock->advance(std::chrono::milliseconds(200));
  poll(io);
  EXPECT_EQ(written.size(), 1u);
  EXPECT_EQ(recorder->stats().write_errors, 0u);
}

TEST(EventRecorderQueue, BoundedQueueDropsWhenNobodyDrains) {
  auto clock = std::make_shared<FakeClock>();
  std::vector<Written> written;
  EventRecorderOptions options;
  options.queue_capacity = 3;
  EventRecorder recorder(std::make_unique<MemoryWriter>(&written), clock, options);
  for (int i = 0; i < 5; ++i)
    recorder.record(deployment("o" + std::to_string(i)), EventType::Normal, "R", "A", "n");
  EXPECT_EQ(recorder.pending(), 3u);
  EXPECT_EQ(recorder.stats().queue_full, 2u);
}

TEST(ObjectReference, FromObjectReadsTypeAndMetadataAndToleratesJunk) {
  auto ref = ObjectReference::from_object(
      boost::json::parse(
          R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"namespace":"prod","name":"web","uid":"u1"}})")
          .as_object());
  EXPECT_EQ(ref.kind, "Deployment");
  EXPECT_EQ(ref.uid, "u1");
  auto junk = ObjectReference::from_object(boost::json::object{{"metadata", 3}, {"kind", 4}});
  EXPECT_EQ(junk.kind, "");
  EXPECT_TRUE(junk.to_json().empty());
}

}  // namespace
}  // namespace rollguard::runtime
