#pragma once
// Go / Kubernetes durations as they appear in a RollbackPolicy ("10s", "1m30s", "500ms", "1.5h").
// Parsing never throws: a policy is user input, and a bad duration is a field error to report.
#include <optional>
#include <string>
#include <string_view>

#include "rollguard/slo.hpp"

namespace rollguard {

// Either a duration or why the text is not one (error empty on success).
struct ParsedDuration {
  Duration value{0};
  std::string error;
  bool ok() const { return error.empty(); }
};

// Accepts one or more <number><unit> terms, unit one of ms, s, m, h (the CRD's pattern), a number
// optionally with a fraction; "0" alone is zero as in Go. Rejects empty text, a sign (durations in a
// policy are never negative), unknown units, a number without a unit, and values above 10 000 h.
// Precision is a millisecond: a fraction finer than that is truncated.
ParsedDuration parse_duration(std::string_view text);

// The shortest form parse_duration (and Go, and PromQL) reads back: "10s", "1m30s", "1500ms", "0s".
std::string format_duration(Duration d);

}  // namespace rollguard
