#include "runtime/event_recorder.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "kube/object_meta.hpp"
#include "runtime/leader_election.hpp"  // format_micro_time

namespace rollguard::runtime {

namespace {

namespace meta = kube::meta;

// The part of an event's identity that names one object (the series and rate-limit keys).
std::string key_of(const ObjectReference& ref) {
  return ref.kind + "/" + ref.ns + "/" + ref.name + "/" + ref.uid;
}

constexpr std::size_t kMaxNoteBytes = 1024;
constexpr int kWriteAttempts = 4;
constexpr auto kWriteRetryPause = std::chrono::milliseconds(200);

}  // namespace

ObjectReference ObjectReference::from_object(const boost::json::object& object) {
  ObjectReference ref;
  ref.api_version = meta::api_version(object);
  ref.kind = meta::kind(object);
  ref.ns = meta::namespace_of(object);
  ref.name = meta::name(object);
  ref.uid = meta::uid(object);
  ref.resource_version = meta::resource_version(object);
  return ref;
}

boost::json::object ObjectReference::to_json() const {
  boost::json::object o;
  if (!api_version.empty()) o["apiVersion"] = api_version;
  if (!kind.empty()) o["kind"] = kind;
  if (!ns.empty()) o["namespace"] = ns;
  if (!name.empty()) o["name"] = name;
  if (!uid.empty()) o["uid"] = uid;
  if (!resource_version.empty()) o["resourceVersion"] = resource_version;
  return o;
}

EventRecorder::EventRecorder(std::unique_ptr<EventWriter> writer, std::shared_ptr<Clock> clock,
                             EventRecorderOptions options)
    : writer_(std::move(writer)), clock_(std::move(clock)), options_(std::move(options)) {}

EventRecorder::~EventRecorder() = default;

bool EventRecorder::take_token(const std::string& object_key) {
  const auto now = clock_->now();
  auto [it, inserted] = buckets_.try_emplace(object_key, Bucket{static_cast<double>(options_.burst), now});
  Bucket& bucket = it->second;
  if (!inserted && options_.refill > Clock::duration::zero()) {
    bucket.tokens =
        std::min<double>(options_.burst, bucket.tokens + std::chrono::duration<double>(now - bucket.updated) /
                                                             std::chrono::duration<double>(options_.refill));
  }
  bucket.updated = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

const char* to_string(EventType type) { return type == EventType::Warning ? "Warning" : "Normal"; }

bool EventRecorder::leading() const { return !options_.leadership || options_.leadership->is_leader(); }

void EventRecorder::record(const ObjectReference& regarding, EventType type, const std::string& reason,
                           const std::string& action, std::string note) {
  record(regarding, std::nullopt, type, reason, action, std::move(note));
}

void EventRecorder::record(const ObjectReference& regarding, const std::optional<ObjectReference>& related,
                           EventType type, const std::string& reason, const std::string& action,
                           std::string note) {
  if (stopping_) return;
  if (!leading()) {
    ++stats_.not_leader;
    return;
  }
  ++stats_.recorded;
  if (note.size() > kMaxNoteBytes) note.resize(kMaxNoteBytes);
  const std::string object_key = key_of(regarding);
  const std::string key = object_key + "\n" + (related ? key_of(*related) : std::string()) + "\n" +
                          to_string(type) + "\n" + reason + "\n" + action + "\n" + note;
  const auto now = clock_->now();
  const auto system_now = clock_->system_now();

  if (auto it = series_.find(key);
      it != series_.end() && now - it->second.last_seen < options_.series_window) {
    // Isomorphic event: fold into the series instead of creating another object.
    Series& series = it->second;
    ++series.count;
    series.last_observed = system_now;
    series.last_seen = now;
    ++stats_.folded;
    if (series.count == 2) {
      enqueue(series_patch(series));  // the object becomes a series right away
    } else {
      series.dirty = true;  // later counts are flushed by refresh_series()
    }
    return;
  }
  if (!take_token(object_key)) {
    ++stats_.rate_limited;
    return;
  }
  // Names must be unique per namespace: the regarding name plus a time-and-sequence suffix, as
  // client-go does with the timestamp.
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, ".%llx%04llx",
                static_cast<unsigned long long>(system_now.time_since_epoch().count()),
                static_cast<unsigned long long>(sequence_++ & 0xffff));
  const std::string ns = regarding.ns.empty() ? std::string("default") : regarding.ns;
  Series series{ns,  (regarding.name.empty() ? std::string("event") : regarding.name) + suffix,
                1,   system_now,
                now, false};
  boost::json::object event{{"apiVersion", "events.k8s.io/v1"},
                            {"kind", "Event"},
                            {"metadata", boost::json::object{{"name", series.name}, {"namespace", ns}}},
                            {"eventTime", format_micro_time(system_now)},
                            {"reportingController", options_.reporting_controller},
                            {"reportingInstance", options_.reporting_instance},
                            {"action", action},
                            {"reason", reason},
                            {"type", to_string(type)},
                            {"note", note},
                            {"regarding", regarding.to_json()}};
  if (related) event["related"] = related->to_json();
  series_.insert_or_assign(key, series);
  enqueue(Work{true, ns, series.name, std::move(event)});
}

EventRecorder::Work EventRecorder::series_patch(const Series& series) const {
  boost::json::object patch{
      {"series", boost::json::object{{"count", series.count},
                                     {"lastObservedTime", format_micro_time(series.last_observed)}}}};
  return Work{false, series.ns, series.name, std::move(patch)};
}

void EventRecorder::enqueue(Work work) {
  if (queue_.size() >= options_.queue_capacity) {
    ++stats_.queue_full;
    return;
  }
  queue_.push_back(std::move(work));
  wake();
}

void EventRecorder::wake() { wake_.notify_all(); }

void EventRecorder::refresh_series(bool finish_all) {
  const auto now = clock_->now();
  for (auto it = series_.begin(); it != series_.end();) {
    Series& series = it->second;
    if (series.dirty) {
      enqueue(series_patch(series));
      series.dirty = false;
    }
    // Past the window the next occurrence starts a new Event, so the entry can go.
    if (finish_all || now - series.last_seen >= options_.series_window) {
      it = series_.erase(it);
    } else {
      ++it;
    }
  }
  // Buckets that refilled completely carry no information.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const bool full = now - it->second.updated >= options_.refill * options_.burst;
    it = full ? buckets_.erase(it) : std::next(it);
  }
}

boost::asio::awaitable<void> EventRecorder::write(Work work) {
  // Leadership may have ended since the event was queued: a former leader writes nothing.
  if (!leading()) {
    ++stats_.not_leader;
    co_return;
  }
  // A transient failure (5xx, 429, network) is retried a few times, shortly: an API server that
  // sheds 10 % of requests must not lose the one Event that says a Deployment was rolled back
  // (client-go's recorder retries too). Anything else, or the last failure, is counted and dropped.
  for (int attempt = 1;; ++attempt) {
    kube::Result<void> written;
    boost::json::object body = work.body;  // named: a temporary inside co_await is destroyed twice (GCC 12)
    if (work.create) {
      written = co_await writer_->create(work.ns, body);
    } else {
      written = co_await writer_->patch(work.ns, work.name, body);
    }
    if (written) co_return;
    if (attempt >= kWriteAttempts || !written.error().is_transient() || stopping_) {
      ++stats_.write_errors;
      co_return;
    }
    co_await clock_->sleep_for(kWriteRetryPause * attempt);
    if (!leading()) {
      ++stats_.not_leader;
      co_return;
    }
  }
}

boost::asio::awaitable<void> EventRecorder::run() {
  using namespace boost::asio::experimental::awaitable_operators;
  auto next_refresh = clock_->now() + options_.series_refresh;
  for (;;) {
    while (!queue_.empty()) {
      Work work = std::move(queue_.front());
      queue_.pop_front();
      co_await write(std::move(work));
    }
    if (stopping_) break;
    if (clock_->now() >= next_refresh) {
      refresh_series(false);
      next_refresh = clock_->now() + options_.series_refresh;
      continue;
    }
    co_await (wake_.wait() || clock_->sleep_for(next_refresh - clock_->now()));
  }
  // Shutdown: write the counts still pending so the last series numbers are not lost.
  refresh_series(true);
  while (!queue_.empty()) {
    Work work = std::move(queue_.front());
    queue_.pop_front();
    co_await write(std::move(work));
  }
}

void EventRecorder::shut_down() {
  stopping_ = true;
  wake();
}

}  // namespace rollguard::runtime
