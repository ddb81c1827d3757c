#pragma once
// events.k8s.io/v1 Events about the objects rollguard acts on, recorded without ever blocking or
// failing a reconcile (client-go tools/events semantics):
//  - record() is synchronous and O(1): it folds, rate-limits and enqueues; a bounded queue drained
//    by run() does the API calls, so a slow or failing API server costs dropped events, not stalls;
//  - an Event is about its regarding object (the Deployment acted on) and may name a related one
//    (the RollbackPolicy that decided it), written as events.k8s.io/v1 regarding / related;
//  - repeats of an isomorphic event (same regarding, related, type, reason, action, note) within the
//    6-minute series window become one Event with series {count, lastObservedTime}: the second
//    occurrence patches the series at once, later ones are flushed every series_refresh;
//  - a token bucket per regarding object (burst 25, one token per 5 minutes, client-go's spam
//    filter) drops floods from one object;
//  - with a LeadershipGuard, a replica that does not lead records and writes nothing (an event is a
//    write like any other: only the leader acts).
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "kube/client.hpp"
#include "runtime/clock.hpp"
#include "runtime/leadership.hpp"
#include "runtime/notifier.hpp"

namespace rollguard::runtime {

struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;

  static ObjectReference from_object(const boost::json::object& object);
  boost::json::object to_json() const;
};

// events.k8s.io/v1 Event type.
enum class EventType { Normal, Warning };
const char* to_string(EventType type);

struct EventRecorderOptions {
  std::string reporting_controller = "rollguard.io/rollguard";
  std::string reporting_instance;  // the pod / leader identity
  std::size_t queue_capacity = 1000;
  int burst = 25;
  Clock::duration refill = std::chrono::minutes(5);
  Clock::duration series_window = std::chrono::minutes(6);
  Clock::duration series_refresh = std::chrono::minutes(1);
  std::optional<LeadershipGuard> leadership;  // nullopt: always record
};

// Where events go: the API through kube::Client in production (event_writer_client.hpp), memory in
// tests.
class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual boost::asio::awaitable<kube::Result<void>> create(const std::string& ns,
                                                            boost::json::object event) = 0;
  virtual boost::asio::awaitable<kube::Result<void>> patch(const std::string& ns, const std::string& name,
                                                           boost::json::object merge_patch) = 0;
};

struct EventRecorderStats {
  std::size_t recorded = 0;
  std::size_t folded = 0;  // repeats counted into a series
  std::size_t rate_limited = 0;
  std::size_t queue_full = 0;
  std::size_t write_errors = 0;
  std::size_t not_leader = 0;  // dropped because this replica did not lead
};

class EventRecorder {
 public:
  EventRecorder(std::unique_ptr<EventWriter> writer, std::shared_ptr<Clock> clock,
                EventRecorderOptions options);
  ~EventRecorder();

  // note is cut to 1 kB (the API limit).
  void record(const ObjectReference& regarding, const std::optional<ObjectReference>& related, EventType type,
              const std::string& reason, const std::string& action, std::string note);
  // The same without a related object.
  void record(const ObjectReference& regarding, EventType type, const std::string& reason,
              const std::string& action, std::string note);

  // Drains the queue and refreshes series until shut_down(); pending work is written first.
  boost::asio::awaitable<void> run();
  void shut_down();

  const EventRecorderStats& stats() const { return stats_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  struct Series {
    std::string ns;
    std::string name;
    int count = 1;
    Clock::system_time_point last_observed;
    Clock::time_point last_seen;
    bool dirty = false;
  };
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Work {
    bool create = true;
    std::string ns;
    std::string name;
    boost::json::object body;
  };

  bool leading() const;
  bool take_token(const std::string& object_key);
  void enqueue(Work work);
  Work series_patch(const Series& series) const;
  void refresh_series(bool finish_all);
  void wake();
  boost::asio::awaitable<void> write(Work work);

  std::unique_ptr<EventWriter> writer_;
  std::shared_ptr<Clock> clock_;
  EventRecorderOptions options_;
  std::map<std::string, Series> series_;
  std::map<std::string, Bucket> buckets_;
  std::deque<Work> queue_;
  Notifier wake_;  // new work or shut_down()
  EventRecorderStats stats_;
  std::uint64_t sequence_ = 0;
  bool stopping_ = false;
};

}  // namespace rollguard::runtime
