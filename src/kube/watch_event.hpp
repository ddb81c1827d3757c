#pragma once
// Watch events and the line framing of a watch stream: the server sends one JSON object per line,
// and a line may be split across any number of HTTP chunks.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/result.hpp"

namespace rollguard::kube {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };
const char* to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::Added;
  // The object; for Error events a metav1.Status (see error()).
  boost::json::object object;
  // For Error events: the Status decoded (code 410 = resourceVersion too old, relist).
  Error error() const;
  std::string resource_version() const;
};

// Decodes one line ({"type": ..., "object": ...}).
Result<WatchEvent> parse_watch_event(std::string_view line);

// Accumulates bytes and returns the complete lines; keeps the tail for the next chunk.
class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line_bytes = 64 * 1024 * 1024) : max_line_bytes_(max_line_bytes) {}
  // Appends data; complete lines (without '\n', empty lines skipped) are appended to out.
  // Fails when a single line exceeds max_line_bytes (a misbehaving server must not exhaust memory).
  Result<void> feed(std::string_view data, std::vector<std::string>& out);
  // Bytes of an unterminated line held back.
  std::size_t pending() const { return buffer_.size(); }

 private:
  std::size_t max_line_bytes_;
  std::string buffer_;
};

}  // namespace rollguard::kube
