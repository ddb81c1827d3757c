#pragma once
// Process logging: spdlog to stderr as text ("2026-12-01T21:30:00.123Z info reconcile prod/api: ...")
// or one JSON object per line ({"ts":...,"level":...,"msg":...}) for log pipelines. Messages are
// JSON-escaped, so an object name or an API message can never break a line.
#include <optional>
#include <string>

namespace rollguard {

enum class LogFormat { Text, Json };

// Returns an error message for an unknown level ("trace".."critical", "off").
std::optional<std::string> setup_logging(LogFormat format, const std::string& level);

// JSON string escaping (RFC 8259), exposed for tests.
std::string json_escape(std::string_view text);

}  // namespace rollguard
