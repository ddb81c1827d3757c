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
  // Ends the stream after the queued lines are delivered.
  void finish();
  void close();

  // The next line to send (with its trailing newline), or nullopt at the end of the stream.
  boost::asio::awaitable<std::optional<std::string>> next();

  static std::string event_line(const std::string& type, const boost::json::value& object);

 private:
  WatchFilter filter_;
  Present present_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<std::chrono::steady_clock::duration> bookmark_interval_;
  std::chrono::steady_clock::time_point next_bookmark_;
  std::function<std::uint64_t()> current_rv_;
  std::string kind_, api_version_;
  std::deque<std::string> pending_;
  bool finishing_ = false;
  bool closed_ = false;
};

}  // namespace kubesim
