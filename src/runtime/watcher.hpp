#pragma once
// The watcher as an explicit, I/O-free state machine (kube-rs kube_runtime::watcher shape):
//
//   Empty --page(continue)--> InitPage{continue} --page(last)--> InitListed{rv} --watch opened-->
//   Watching{rv} --event--> Watching{rv'}      Watching --clean end / error--> InitListed{rv}
//   any --410 Gone--> Empty (relist)           InitPage --410 (continue token expired)--> Empty
//
// With Config::streaming_list the initial state is synced by a streaming list instead (KEP-3157):
//   Empty --watch(sendInitialEvents) opened--> InitStreaming --ADDED...--> InitStreaming
//   --BOOKMARK k8s.io/initial-events-end--> Watching{bookmark's rv}
// The objects arrive one event at a time, so no whole list is held in one response. A server that
// refuses it (422/400: the WatchList feature is off, or the server predates it) or ends the stream
// before the end bookmark (a server that ignored the parameter) gets list+watch from then on:
// Empty{list_only}. Only a relist from scratch (410) tries streaming again.
//
// next_action(state) says what I/O to do; step(state, outcome) consumes its outcome and returns the
// next state, the events to emit and whether the outcome was an error (the driver then backs off:
// the backoff policy wraps the machine, it is not part of it).
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kube/request.hpp"
#include "kube/result.hpp"
#include "kube/watch_event.hpp"
#include "runtime/random.hpp"

namespace rollguard::runtime {

using ObjectPtr = std::shared_ptr<const boost::json::object>;

namespace watcher {

// --- States ---------------------------------------------------------------------------------
struct Empty {
  bool list_only = false;  // the server refused a streaming list: page through a list instead
};
struct InitPage {
  std::string continue_token;
};
struct InitListed {
  std::string resource_version;
};
struct Watching {
  std::string resource_version;
};
// A streaming list's initial events are arriving on the open stream.
struct InitStreaming {
  std::string resource_version;
};
using State = std::variant<Empty, InitPage, InitListed, Watching, InitStreaming>;

// --- Actions: the I/O the driver performs next ------------------------------------------------
struct ListPage {
  kube::ListOptions options;
};
struct OpenWatch {
  kube::WatchOptions options;
};
struct ReadWatch {};  // wait for the next event of the open stream
using Action = std::variant<ListPage, OpenWatch, ReadWatch>;

// --- Outcomes: what the I/O produced -----------------------------------------------------------
struct PageListed {
  kube::Result<boost::json::value> response;  // a List object or the error
};
struct WatchOpened {
  kube::Result<void> result;
};
struct WatchReceived {
  kube::WatchEvent event;
};
struct WatchEnded {};  // the server closed the stream cleanly (e.g. timeoutSeconds reached)
struct WatchFailed {
  kube::Error error;  // transport error, decode error, idle timeout
};
using Outcome = std::variant<PageListed, WatchOpened, WatchReceived, WatchEnded, WatchFailed>;

// --- Events emitted to the store / handlers ----------------------------------------------------
enum class EventType { InitStart, InitApply, InitDone, Apply, Delete };
const char* to_string(EventType type);

struct Event {
  EventType type;
  ObjectPtr object;  // null for InitStart / InitDone
};

struct Config {
  std::string label_selector;
  std::string field_selector;
  int page_size = 500;
  // client-go reflector: a watch asks the server to end it after a random 5-10 minutes, so
  // connections are spread over API server replicas and no watch lives forever.
  int min_watch_timeout_seconds = 300;
  int max_watch_timeout_seconds = 600;
  // Sync by a streaming list when the server supports it (falls back to list+watch by itself).
  bool streaming_list = true;
  // The streaming list's own watch ends after this (then re-watches from its resourceVersion like any
  // watch): it bounds how long a server that ignores sendInitialEvents, and so never sends the end
  // bookmark, can keep the store unsynced before the fallback.
  int streaming_list_timeout_seconds = 60;
};

struct StepResult {
  State next;
  std::vector<Event> events;
  // Set when the outcome was a failure: the driver waits for its backoff before the next action.
  std::optional<kube::Error> error;
  // Something worth one log line that is not a failure (the fallback from a streaming list).
  std::string notice;
};

// True while the state reads from an open watch stream (the driver keeps it open).
bool reads_stream(const State& state);

Action next_action(const State& state, const Config& config, const Random& random);
StepResult step(const State& state, Outcome outcome);

const char* state_name(const State& state);

}  // namespace watcher

// Receives the watcher's events in order (typically Writer::apply plus change handlers).
using EventSink = std::function<void(const watcher::Event& event)>;

}  // namespace rollguard::runtime
