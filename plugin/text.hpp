#pragma once
// Text for people at a terminal: aligned tables, kubectl-style ages, readable UTC times and the
// "value vs threshold" of a failing SLO. Pure functions, no I/O.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollguard/status.hpp"

namespace rollguard::plugin {

using Row = std::vector<std::string>;

// Columns separated by three spaces, each as wide as its widest cell (UTF-8 aware, so "→" counts
// as one column), trailing spaces trimmed: the layout of `kubectl get`.
std::string render_table(const Row& header, const std::vector<Row>& rows, std::string_view indent = "");

// Terminal columns of a UTF-8 string (code points; rollguard's messages have no wide characters).
std::size_t display_width(std::string_view text);

// kubectl's HumanDuration: "45s", "5m3s", "42m", "2h5m", "20h", "3d4h", "120d", "2y40d". Negative
// spans (clock skew between here and the controller) show as "0s".
std::string human_duration(std::chrono::milliseconds span);
// human_duration(now - since), or "-" when the time is unknown.
std::string age(std::optional<SystemTime> since, SystemTime now);

// "2026-12-02 00:58:32 UTC"; "-" for the zero time.
std::string utc_time(SystemTime time);
std::string utc_time(std::optional<SystemTime> time);

// A failing SLO as its breach: "error-rate 0.31 > 0.05" for a threshold "<= 0.05", "0/2 < 1" for
// ">= 1"; a threshold of another shape is shown as written ("health HTTP 503, wants HTTP 200"); an
// inconclusive one as "error-rate inconclusive (no data)".
std::string breach(const SloStatus& slo);

// "yes" / "no".
const char* yes_no(bool value);
// The text, or "-" when it is empty (a table cell never is blank).
std::string or_dash(std::string text);
// A revision number, "-" for 0 (unknown).
std::string revision(std::int64_t number);

}  // namespace rollguard::plugin
