// One watch connection: receives store events as they happen, filters them (resource, namespace,
// label and field selectors) and hands them to the network layer one JSON line at a time. Ends at
// timeoutSeconds or when the server shuts down; sends BOOKMARKs when the client allowed them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "apimachinery/selectors.hpp"
#include "resource_type.hpp"
#include "store.hpp"

namespace kubesim {

struct WatchFilter {
  std::string group, resource, ns, name;  // ns/name empty = any
  std::optional<apimachinery::LabelSelector> labels;
  std::optional<apimachinery::FieldSelector> fields;
  bool matches(const boost::json::object& object) const;
  bool matches_key(const ObjectKey& key) const;
};

class WatchStream : public WatchSink {
 public:
  using Present = std::function<boost::json::value(const boost::json::object&)>;
  WatchStream(boost::asio::any_io_executor executor, WatchFilter filter, Present present,
              std::chrono::steady_clock::duration timeout,
              std::optional<std::chrono::steady_clock::duration> bookmark_interval,
              std::function<std::uint64_t()> current_rv, std::string kind, std::string api_version);

  // Queues an event for this watcher if it passes the filter.
  void on_event(const WatchEvent& event) override;
  // Queues a raw line (the initial ADDED events, or a 410 ERROR event).
  void push_line(std::string line);
  // Queues the BOOKMARK that ends a streaming list's initial events: annotated
  // k8s.io/initial-events-end and carrying the resourceVersion the initial state was read at.
  void push_initial_events_end();
  // Holds the stream's start until the store reaches resourceVersion `rv` (a watch from a
  // resourceVersion the store has not reached yet): the API server's watch cache waits a few
  // seconds to catch up, then ends the watch with an ERROR event (504 "Too large resource
  // version"), which `too_late_line` renders when the wait is over.
  void start_when_fresh(std::uint64_t rv, std::chrono::steady_clock::duration patience,
                        std::function<void(WatchStream&)> start, std::function<std::string()> too_late_line);
  // Ends the stream after the queued lines are delivered.
  void finish();
  void close();

  // The next line to send (with its trailing newline), or nullopt at the end of the stream.
  boost::asio::awaitable<std::optional<std::string>> next();

  static std::string event_line(const std::string& type, const boost::json::value& object);

 private:
  std::string bookmark_line(bool initial_events_end) const;

  WatchFilter filter_;
  Present present_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::chrono::steady_clock::duration> bookmark_interval_;
  std::chrono::steady_clock::time_point next_bookmark_;
  std::function<std::uint64_t()> current_rv_;
  std::string kind_, api_version_;
  std::deque<std::string> pending_;
  std::function<void(WatchStream&)> start_when_fresh_;  // set while waiting for the store
  std::uint64_t fresh_rv_ = 0;
  std::chrono::steady_clock::time_point fresh_deadline_;
  std::function<std::string()> too_late_line_;
  bool finishing_ = false;
  bool closed_ = false;
};

}  // namespace kubesim
