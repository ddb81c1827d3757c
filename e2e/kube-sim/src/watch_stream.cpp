#include "watch_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kubesim {
namespace json = boost::json;
namespace net = boost::asio;

bool WatchFilter::matches_key(const ObjectKey& key) const {
  return key.group == group && key.resource == resource && (ns.empty() || key.ns == ns) &&
         (name.empty() || key.name == name);
}

bool WatchFilter::matches(const json::object& object) const {
  if (labels) {
    const auto* m = object.if_contains("metadata");
    const json::object* l = nullptr;
    if (m && m->is_object())
      if (const auto* lv = m->as_object().if_contains("labels"); lv && lv->is_object()) l = &lv->as_object();
    if (!apimachinery::matches(*labels, l)) return false;
  }
  // The object itself, not a json::value copy of it: lists with a fieldSelector test every object.
  if (fields && !apimachinery::matches(*fields, object)) return false;
  return true;
}

WatchStream::WatchStream(net::any_io_executor executor, WatchFilter filter, Present present,
                         std::chrono::steady_clock::duration timeout,
                         std::optional<std::chrono::steady_clock::duration> bookmark_interval,
                         std::function<std::uint64_t()> current_rv, std::string kind, std::string api_version)
    : filter_(std::move(filter)),
      present_(std::move(present)),
      timer_(executor),
      deadline_(std::chrono::steady_clock::now() + timeout),
      bookmark_interval_(bookmark_interval),
      current_rv_(std::move(current_rv)),
      kind_(std::move(kind)),
      api_version_(std::move(api_version)) {
  if (bookmark_interval_) next_bookmark_ = std::chrono::steady_clock::now() + *bookmark_interval_;
}

std::string WatchStream::event_line(const std::string& type, const json::value& object) {
  json::object e{{"type", type}, {"object", object}};
  return json::serialize(e) + "\n";
}

std::string WatchStream::bookmark_line(bool initial_events_end) const {
  json::object meta{{"resourceVersion", std::to_string(current_rv_())}};
  if (initial_events_end) meta["annotations"] = json::object{{"k8s.io/initial-events-end", "true"}};
  json::object obj{{"kind", kind_}, {"apiVersion", api_version_}, {"metadata", std::move(meta)}};
  return event_line("BOOKMARK", obj);
}

void WatchStream::push_initial_events_end() { push_line(bookmark_line(true)); }

void WatchStream::start_when_fresh(std::uint64_t rv, std::chrono::steady_clock::duration patience,
                                   std::function<void(WatchStream&)> start,
                                   std::function<std::string()> too_late_line) {
  fresh_rv_ = rv;
  fresh_deadline_ = std::chrono::steady_clock::now() + patience;
  start_when_fresh_ = std::move(start);
  too_late_line_ = std::move(too_late_line);
  timer_.cancel();
}

void WatchStream::on_event(const WatchEvent& event) {
  if (closed_ || finishing_) return;
  if (start_when_fresh_) {
    // Any write brings the store forward (one revision counter for every resource). The event
    // that makes it fresh is part of what the start reads (the store and its history already
    // hold it), so it is not delivered a second time here.
    if (event.rv < fresh_rv_) return;
    auto start = std::move(start_when_fresh_);
    start_when_fresh_ = nullptr;
    start(*this);
    return;
  }
  if (!filter_.matches_key(event.key)) return;
  bool now_matches = filter_.matches(*event.object);
  std::string type = event.type;
  if (type == "MODIFIED") {
    // A change that moves an object into or out of the selected set is seen by the watcher as an
    // ADDED or DELETED (the apiserver's watch cache filtering does the same).
    bool was_matching = event.previous && filter_.matches(*event.previous);
    if (!now_matches && !was_matching) return;
    if (!now_matches) type = "DELETED";
    if (!was_matching) type = "ADDED";
  } else if (!now_matches) {
    return;
  }
  push_line(event_line(type, present_(*event.object)));
}

void WatchStream::push_line(std::string line) {
  pending_.push_back(std::move(line));
  timer_.cancel();
}

void WatchStream::finish() {
  finishing_ = true;
  timer_.cancel();
}

void WatchStream::close() {
  closed_ = true;
  pending_.clear();
  timer_.cancel();
}

net::awaitable<std::optional<std::string>> WatchStream::next() {
  for (;;) {
    if (closed_) co_return std::nullopt;
    if (!pending_.empty()) {
      std::string line = std::move(pending_.front());
      pending_.pop_front();
      co_return line;
    }
    if (finishing_) co_return std::nullopt;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) co_return std::nullopt;
    auto wake = deadline_;
    if (start_when_fresh_) {
      // Not started yet: no bookmarks (the API server has no watcher registered yet either).
      if (now >= fresh_deadline_) {
        start_when_fresh_ = nullptr;
        finishing_ = true;
        co_return too_late_line_();
      }
      wake = std::min(wake, fresh_deadline_);
    } else if (bookmark_interval_) {
      if (now >= next_bookmark_) {
        next_bookmark_ = now + *bookmark_interval_;
        co_return bookmark_line(false);
      }
      wake = std::min(wake, next_bookmark_);
    }
    timer_.expires_at(wake);
    co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
  }
}

}  // namespace kubesim
