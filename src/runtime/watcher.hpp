#pragma once
// The watcher as an explicit, I/O-free state machine (kube-rs kube_runtime::watcher shape):
//
//   Empty --page(continue)--> InitPage{continue} --page(last)--> InitListed{rv} --watch opened-->
//   Watching{rv} --event--> Watching{rv'}      Watching --clean end / error--> InitListed{rv}
//   any --410 Gone--> Empty (relist)           InitPage --410 (continue token expired)--> Empty
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
struct Empty {};
struct InitPage {
  std::string continue_token;
};
struct InitListed {
  std::string resource_version;
};
struct Watching {
  std::string resource_version;
};
using State = std::variant<Empty, InitPage, InitListed, Watching>;

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
};

struct StepResult {
  State next;
  std::vector<Event> events;
  // Set when the outcome was a failure: the driver waits for its backoff before the next action.
  std::optional<kube::Error> error;
};

Action next_action(const State& state, const Config& config, const Random& random);
StepResult step(const State& state, Outcome outcome);

const char* state_name(const State& state);

}  // namespace watcher

// Receives the watcher's events in order (typically Writer::apply plus change handlers).
using EventSink = std::function<void(const watcher::Event& event)>;

}  // namespace rollguard::runtime
