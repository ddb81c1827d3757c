#include "kube/watch_event.hpp"

#include <boost/json.hpp>

#include "kube/object_meta.hpp"

namespace rollguard::kube {
namespace json = boost::json;

const char* to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::Added:
      return "ADDED";
    case WatchEventType::Modified:
      return "MODIFIED";
    case WatchEventType::Deleted:
      return "DELETED";
    case WatchEventType::Bookmark:
      return "BOOKMARK";
    case WatchEventType::Error:
      return "ERROR";
  }
  return "ERROR";
}

Error WatchEvent::error() const {
  // A watch ERROR event carries a Status with its own code (410 for an expired resourceVersion).
  int code = 500;
  if (auto it = object.find("code"); it != object.end() && it->value().is_int64()) {
    code = static_cast<int>(it->value().get_int64());
  }
  return Error::from_status(Status::from_json(json::value(object), code));
}

std::string WatchEvent::resource_version() const { return std::string(meta::resource_version(object)); }

Result<WatchEvent> parse_watch_event(std::string_view line) {
  boost::system::error_code ec;
  json::value parsed = json::parse(line, ec);
  if (ec) return Error(ErrorKind::Decode, "watch event is not JSON: " + ec.message());
  auto* event = parsed.if_object();
  if (event == nullptr) return Error(ErrorKind::Decode, "watch event is not a JSON object");
  const auto* type = event->if_contains("type");
  auto* object = event->if_contains("object");
  if (type == nullptr || !type->is_string()) return Error(ErrorKind::Decode, "watch event has no \"type\"");
  if (object == nullptr || !object->is_object())
    return Error(ErrorKind::Decode, "watch event has no \"object\"");

  WatchEvent result;
  const auto& type_name = type->get_string();
  if (type_name == "ADDED") {
    result.type = WatchEventType::Added;
  } else if (type_name == "MODIFIED") {
    result.type = WatchEventType::Modified;
  } else if (type_name == "DELETED") {
    result.type = WatchEventType::Deleted;
  } else if (type_name == "BOOKMARK") {
    result.type = WatchEventType::Bookmark;
  } else if (type_name == "ERROR") {
    result.type = WatchEventType::Error;
  } else {
    return Error(ErrorKind::Decode, "watch event has unknown type \"" + std::string(type_name) + "\"");
  }
  result.object = std::move(object->get_object());
  return result;
}

Result<void> LineFramer::feed(std::string_view data, std::vector<std::string>& out) {
  while (!data.empty()) {
    const auto newline = data.find('\n');
    const auto piece = data.substr(0, newline);
    if (buffer_.size() + piece.size() > max_line_bytes_) {
      buffer_.clear();
      return Error(ErrorKind::Decode,
                   "watch event line exceeds " + std::to_string(max_line_bytes_) + " bytes");
    }
    buffer_.append(piece);
    if (newline == std::string_view::npos) break;
    if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
    if (!buffer_.empty()) out.push_back(std::move(buffer_));
    buffer_.clear();
    data.remove_prefix(newline + 1);
  }
  return {};
}

}  // namespace rollguard::kube
