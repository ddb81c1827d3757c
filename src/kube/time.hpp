#pragma once
// metav1.Time ("2026-12-01T21:30:00Z", seconds) and metav1.MicroTime (microseconds), UTC, as the
// API server writes them; parsing accepts any RFC 3339 timestamp (fraction and offset optional).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rollguard::kube {

using SystemTime = std::chrono::system_clock::time_point;

std::string format_time(SystemTime time);        // metav1.Time
std::string format_micro_time(SystemTime time);  // metav1.MicroTime
std::optional<SystemTime> parse_time(std::string_view text);

}  // namespace rollguard::kube
