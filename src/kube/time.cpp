#include "kube/time.hpp"

#include <cstdio>
#include <ctime>

#include "kube/exec_credential.hpp"

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

}  // namespace

std::string format_time(SystemTime time) { return format(time, false); }
std::string format_micro_time(SystemTime time) { return format(time, true); }
std::optional<SystemTime> parse_time(std::string_view text) { return detail::parse_rfc3339(text); }

}  // namespace rollguard::kube
