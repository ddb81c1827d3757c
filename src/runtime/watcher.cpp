#include "runtime/watcher.hpp"

#include <algorithm>

#include "kube/object_meta.hpp"

namespace rollguard::runtime::watcher {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

// A List's metadata.continue (ListMeta; object_meta reads the resourceVersion beside it).
std::string continue_of(const boost::json::object& list) {
  auto* m = kube::meta::metadata(list);
  auto* f = m ? m->if_contains("continue") : nullptr;
  return f && f->is_string() ? std::string(f->get_string()) : std::string{};
}

kube::Error decode_error(std::string message) {
  return kube::Error(kube::ErrorKind::Decode, std::move(message));
}

// One page of the initial list. The first page sends resourceVersion "" (a consistent quorum read,
// which honours limit; "0" would be served from the watch cache and ignore paging); later pages send
// only the continue token, which carries the list's snapshot: resourceVersion must not be sent with
// it (API concepts, "Retrieving large results sets in chunks").
kube::ListOptions list_options(const Config& config, const std::string& continue_token) {
  kube::ListOptions options;
  options.label_selector = config.label_selector;
  options.field_selector = config.field_selector;
  options.limit = config.page_size;
  options.continue_token = continue_token;
  return options;
}

StepResult on_page(const State& state, PageListed& page) {
  const bool first_page = std::holds_alternative<Empty>(state);
  if (!page.response) {
    const kube::Error& error = page.response.error();
    // An expired continue token cannot be resumed: restart the list from scratch (the pager
    // fallback of client-go). The buffered InitApply objects are dropped at the next InitStart.
    if (!first_page && error.is_gone()) return {Empty{}, {}, error};
    return {state, {}, error};
  }
  auto* list = page.response->if_object();
  if (!list) return {state, {}, decode_error("list response is not an object")};
  auto* items = list->if_contains("items");
  if (items && !items->is_array() && !items->is_null()) {
    return {state, {}, decode_error("list response items is not an array")};
  }

  StepResult result{state, {}, std::nullopt};
  if (first_page) result.events.push_back({EventType::InitStart, nullptr});
  if (items && items->is_array()) {
    for (auto& item : items->as_array()) {
      // Items that are not objects cannot be keyed; skip them rather than fail the whole list.
      if (auto* object = item.if_object()) {
        result.events.push_back(
            {EventType::InitApply, std::make_shared<const boost::json::object>(std::move(*object))});
      }
    }
  }
  std::string continue_token = continue_of(*list);
  if (!continue_token.empty()) {
    result.next = InitPage{std::move(continue_token)};
    return result;
  }
  result.events.push_back({EventType::InitDone, nullptr});
  result.next = InitListed{std::string(kube::meta::resource_version(*list))};
  return result;
}

StepResult on_event(const Watching& state, kube::WatchEvent& event) {
  using kube::WatchEventType;
  if (event.type == WatchEventType::Error) {
    kube::Error error = event.error();
    // ERROR event 410: the resourceVersion is older than the server's watch window: relist.
    if (error.is_gone()) return {Empty{}, {}, error};
    return {InitListed{state.resource_version}, {}, error};
  }
  std::string rv = event.resource_version();
  Watching next{rv.empty() ? state.resource_version : std::move(rv)};
  if (event.type == WatchEventType::Bookmark) return {next, {}, std::nullopt};
  auto object = std::make_shared<const boost::json::object>(std::move(event.object));
  EventType type = event.type == WatchEventType::Deleted ? EventType::Delete : EventType::Apply;
  return {next, {Event{type, std::move(object)}}, std::nullopt};
}

bool is_initial_events_end(const kube::WatchEvent& event) {
  auto* m = kube::meta::metadata(event.object);
  auto* annotations = m ? m->if_contains("annotations") : nullptr;
  auto* obj = annotations ? annotations->if_object() : nullptr;
  auto* end = obj ? obj->if_contains(kube::kInitialEventsEndAnnotation) : nullptr;
  return end && end->is_string() && end->get_string() == "true";
}

StepResult on_initial_event(const InitStreaming& state, kube::WatchEvent& event) {
  using kube::WatchEventType;
  if (event.type == WatchEventType::Error) {
    // Whatever the code, the half-received initial state is useless: start over (a 410 cannot
    // happen for a stream that began at the current state, but is a restart too).
    kube::Error error = event.error();
    if (error.message().find("sendInitialEvents") != std::string::npos) {
      return {Empty{true}, {}, std::nullopt,
              "the server ended a streaming list (" + error.message() + "); using list+watch"};
    }
    return {Empty{}, {}, std::move(error)};
  }
  std::string rv = event.resource_version();
  if (rv.empty()) rv = state.resource_version;
  if (event.type == WatchEventType::Bookmark) {
    if (is_initial_events_end(event)) {
      return {Watching{std::move(rv)}, {Event{EventType::InitDone, nullptr}}, std::nullopt};
    }
    return {InitStreaming{std::move(rv)}, {}, std::nullopt};
  }
  if (event.type == WatchEventType::Deleted) {
    // The initial events are the current objects; a deletion among them breaks the protocol and the
    // buffered state could not be trusted: relist.
    return {Empty{}, {}, decode_error("DELETED event before the end of a streaming list's initial events")};
  }
  auto object = std::make_shared<const boost::json::object>(std::move(event.object));
  return {InitStreaming{std::move(rv)}, {Event{EventType::InitApply, std::move(object)}}, std::nullopt};
}

// The server said no to sendInitialEvents: 422 from ValidateListOptions when the WatchList feature is
// off (also on current clusters: an aggregated API server has feature gates of its own), a 500 with
// the same words from storage that bypasses validation, a 400 from servers that check parameters more
// bluntly. Like client-go, any answer from the server that is not a passing overload counts; a
// network error or a 429/503 is retried as a streaming list after the backoff.
bool refuses_streaming(const kube::Error& error) {
  if (error.kind() != kube::ErrorKind::Api) return false;
  return !error.is_transient() || error.message().find("sendInitialEvents") != std::string::npos;
}

}  // namespace

bool reads_stream(const State& state) {
  return std::holds_alternative<Watching>(state) || std::holds_alternative<InitStreaming>(state);
}

const char* to_string(EventType type) {
  switch (type) {
    case EventType::InitStart:
      return "InitStart";
    case EventType::InitApply:
      return "InitApply";
    case EventType::InitDone:
      return "InitDone";
    case EventType::Apply:
      return "Apply";
    case EventType::Delete:
      return "Delete";
  }
  return "Unknown";
}

const char* state_name(const State& state) {
  return std::visit(
      Overloaded{[](const Empty&) { return "Empty"; }, [](const InitPage&) { return "InitPage"; },
                 [](const InitListed&) { return "InitListed"; }, [](const Watching&) { return "Watching"; },
                 [](const InitStreaming&) { return "InitStreaming"; }},
      state);
}

Action next_action(const State& state, const Config& config, const Random& random) {
  return std::visit(
      Overloaded{
          [&](const Empty& empty) -> Action {
            if (!config.streaming_list || empty.list_only) return ListPage{list_options(config, "")};
            kube::WatchOptions options;
            options.label_selector = config.label_selector;
            options.field_selector = config.field_selector;
            options.allow_bookmarks = true;  // the end of the initial events is a bookmark
            options.send_initial_events = true;
            options.timeout_seconds = config.streaming_list_timeout_seconds;
            return OpenWatch{std::move(options)};
          },
          [&](const InitPage& page) -> Action { return ListPage{list_options(config, page.continue_token)}; },
          [&](const InitListed& listed) -> Action {
            kube::WatchOptions options;
            options.label_selector = config.label_selector;
            options.field_selector = config.field_selector;
            options.resource_version = listed.resource_version;
            options.allow_bookmarks = true;
            const int lo = config.min_watch_timeout_seconds;
            const int hi = std::max(lo, config.max_watch_timeout_seconds);
            options.timeout_seconds = lo + std::min(hi - lo, static_cast<int>(random() * (hi - lo + 1)));
            return OpenWatch{std::move(options)};
          },
          [&](const Watching&) -> Action { return ReadWatch{}; },
          [&](const InitStreaming&) -> Action { return ReadWatch{}; }},
      state);
}

StepResult step(const State& state, Outcome outcome) {
  return std::visit(
      Overloaded{
          [&](PageListed& page) -> StepResult {
            if (!std::holds_alternative<Empty>(state) && !std::holds_alternative<InitPage>(state)) {
              return {state, {}, kube::Error(kube::ErrorKind::Invalid, "list page outside of a list")};
            }
            return on_page(state, page);
          },
          [&](WatchOpened& opened) -> StepResult {
            if (auto* empty = std::get_if<Empty>(&state); empty && !empty->list_only) {
              if (opened.result) return {InitStreaming{}, {Event{EventType::InitStart, nullptr}}, std::nullopt};
              const kube::Error& error = opened.result.error();
              if (refuses_streaming(error)) {
                return {Empty{true}, {}, std::nullopt,
                        "the server refused a streaming list (" + error.message() + "); using list+watch"};
              }
              return {state, {}, error};
            }
            auto* listed = std::get_if<InitListed>(&state);
            if (!listed)
              return {state, {}, kube::Error(kube::ErrorKind::Invalid, "watch opened outside InitListed")};
            if (opened.result) return {Watching{listed->resource_version}, {}, std::nullopt};
            const kube::Error& error = opened.result.error();
            if (error.is_gone()) return {Empty{}, {}, error};
            return {state, {}, error};
          },
          [&](WatchReceived& received) -> StepResult {
            if (auto* streaming = std::get_if<InitStreaming>(&state))
              return on_initial_event(*streaming, received.event);
            auto* watching = std::get_if<Watching>(&state);
            if (!watching)
              return {state, {}, kube::Error(kube::ErrorKind::Invalid, "watch event while not watching")};
            return on_event(*watching, received.event);
          },
          [&](WatchEnded&) -> StepResult {
            // A clean end (the server's timeoutSeconds) resumes from the last resourceVersion seen,
            // events or bookmarks included, without a relist.
            if (auto* watching = std::get_if<Watching>(&state)) {
              return {InitListed{watching->resource_version}, {}, std::nullopt};
            }
            // Ended before the end bookmark: a server that ignored sendInitialEvents sent a plain
            // watch (its synthetic ADDED events, never the bookmark). The buffered objects are dropped
            // at the list's InitStart.
            if (std::holds_alternative<InitStreaming>(state)) {
              return {Empty{true}, {}, std::nullopt,
                      "a streaming list ended before its initial-events-end bookmark; using list+watch"};
            }
            return {state, {}, std::nullopt};
          },
          [&](WatchFailed& failed) -> StepResult {
            if (std::holds_alternative<InitStreaming>(state)) return {Empty{}, {}, failed.error};
            auto* watching = std::get_if<Watching>(&state);
            if (!watching) return {state, {}, failed.error};
            if (failed.error.is_gone()) return {Empty{}, {}, failed.error};
            return {InitListed{watching->resource_version}, {}, failed.error};
          }},
      outcome);
}

}  // namespace rollguard::runtime::watcher
