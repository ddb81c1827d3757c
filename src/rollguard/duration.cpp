#include "rollguard/duration.hpp"

#include <cstdint>

#include "rollguard/query_template.hpp"

namespace rollguard {

namespace {

// Far beyond any sensible interval or window, and far below overflow of int64 milliseconds.
constexpr std::int64_t kMaxMillis = std::int64_t{10000} * 3600 * 1000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

ParsedDuration failure(std::string_view text, std::string why) {
  return {Duration{0}, "invalid duration \"" + std::string(text) + "\": " + why};
}

// Milliseconds per unit, or 0 when `unit` is not one.
std::int64_t unit_millis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 3600 * 1000;
  return 0;
}

}  // namespace

ParsedDuration parse_duration(std::string_view text) {
  if (text.empty()) return failure(text, "empty (use e.g. 10s, 1m30s, 500ms)");
  if (text == "0") return {};
  if (text.front() == '-') return failure(text, "must not be negative");
  if (text.front() == '+') return failure(text, "no sign allowed");
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t whole = 0;
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (whole > kMaxMillis) return failure(text, "too large");
      whole = whole * 10 + (text[pos++] - '0');
      ++digits;
    }
    // The fraction as numerator / denominator, kept to 9 digits (finer than a millisecond anyway).
    std::int64_t numerator = 0;
    std::int64_t denominator = 1;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) {
        if (denominator < 1000000000) {
          numerator = numerator * 10 + (text[pos] - '0');
          denominator *= 10;
        }
        ++pos;
        ++digits;
      }
    }
    if (digits == 0) return failure(text, "expected a number at \"" + std::string(text.substr(pos)) + "\"");
    std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos]) && text[pos] != '.') ++pos;
    auto unit = text.substr(unit_start, pos - unit_start);
    if (unit.empty()) return failure(text, "missing unit (ms, s, m or h)");
    auto per_unit = unit_millis(unit);
    if (per_unit == 0) return failure(text, "unknown unit \"" + std::string(unit) + "\" (ms, s, m or h)");
    if (whole > kMaxMillis / per_unit) return failure(text, "too large");
    total += whole * per_unit + numerator * per_unit / denominator;
    if (total > kMaxMillis) return failure(text, "too large");
  }
  return {Duration{total}, {}};
}

std::string format_duration(Duration d) { return promql_duration(d); }

}  // namespace rollguard
