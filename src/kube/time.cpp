#include "kube/time.hpp"

#include <cstdio>
#include <ctime>

namespace rollguard::kube {

namespace {

std::string format(SystemTime time, bool micro) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(micros / 1'000'000);
  long frac = static_cast<long>(micros % 1'000'000);
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buffer[96];
  if (micro) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buffer;
}

bool digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string format_time(SystemTime time) { return format(time, false); }
std::string format_micro_time(SystemTime time) { return format(time, true); }

// The one RFC 3339 parser of rollguard (metav1.Time, MicroTime, exec credential expiry).
std::optional<SystemTime> parse_time(std::string_view s) {
  using namespace std::chrono;
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(unsigned(month)),
                            std::chrono::day(unsigned(day))};
  // Leap seconds (60) are not representable in time_point; RFC 3339 allows them, Go does not.
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::size_t pos = 19;
  nanoseconds fraction{0};
  if (s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    long long value = 0;
    int scale = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale < 9) {
        value = value * 10 + (s[pos] - '0');
        ++scale;
      }
      ++pos;
    }
    if (pos == start) return std::nullopt;
    while (scale++ < 9) value *= 10;
    fraction = nanoseconds(value);
  }
  if (pos >= s.size()) return std::nullopt;
  minutes offset{0};
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = hours(oh) + minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  // In seconds first: system_clock counts nanoseconds, which cannot hold years outside ~1678-2261.
  // Out of that range the time is clamped: far future = never expires, far past = already expired.
  const seconds utc =
      (sys_days(date) + hours(hour) + minutes(minute) + seconds(second) - offset).time_since_epoch();
  constexpr seconds kMax = duration_cast<seconds>(system_clock::duration::max()) - seconds(1);
  constexpr seconds kMin = duration_cast<seconds>(system_clock::duration::min()) + seconds(1);
  if (utc >= kMax) return system_clock::time_point::max();
  if (utc <= kMin) return system_clock::time_point::min();
  return system_clock::time_point(duration_cast<system_clock::duration>(utc) +
                                  duration_cast<system_clock::duration>(fraction));
}

}  // namespace rollguard::kube
