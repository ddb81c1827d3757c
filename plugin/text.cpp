#include "text.hpp"

#include <algorithm>

#include "kube/time.hpp"

namespace rollguard::plugin {

namespace {

constexpr std::string_view kColumnGap = "   ";

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  // Every byte but UTF-8 continuation bytes (10xxxxxx) starts a code point.
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string render_table(const Row& header, const std::vector<Row>& rows, std::string_view indent) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto widen = [&](const Row& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  };
  widen(header);
  for (const auto& row : rows) widen(row);

  std::string out;
  auto emit = [&](const Row& row) {
    std::string line(indent);
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      line += cell;
      if (i + 1 < widths.size()) {
        line.append(widths[i] - display_width(cell), ' ');
        line += kColumnGap;
      }
    }
    trim_right(line);
    out += line;
    out += '\n';
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

std::string human_duration(std::chrono::milliseconds span) {
  using namespace std::chrono;
  const auto total = std::max<std::int64_t>(duration_cast<seconds>(span).count(), 0);
  const std::int64_t minutes = total / 60, hours = total / 3600, days = total / 86400;
  auto n = [](std::int64_t value, const char* unit) { return std::to_string(value) + unit; };
  if (total < 120) return n(total, "s");
  if (minutes < 10) return total % 60 == 0 ? n(minutes, "m") : n(minutes, "m") + n(total % 60, "s");
  if (minutes < 180) return n(minutes, "m");
  if (hours < 8) return minutes % 60 == 0 ? n(hours, "h") : n(hours, "h") + n(minutes % 60, "m");
  if (hours < 48) return n(hours, "h");
  if (hours < 24 * 8) return hours % 24 == 0 ? n(days, "d") : n(days, "d") + n(hours % 24, "h");
  if (days < 365 * 2) return n(days, "d");
  return days % 365 == 0 ? n(days / 365, "y") : n(days / 365, "y") + n(days % 365, "d");
}

std::string age(std::optional<SystemTime> since, SystemTime now) {
  if (!since || *since == SystemTime{}) return "-";
  // In milliseconds before subtracting: two nanosecond time points far apart overflow.
  using std::chrono::milliseconds;
  return human_duration(std::chrono::time_point_cast<milliseconds>(now) -
                        std::chrono::time_point_cast<milliseconds>(*since));
}

std::string utc_time(SystemTime time) {
  if (time == SystemTime{}) return "-";
  std::string text = kube::format_time(time);  // 2026-12-02T00:58:32Z
  text[10] = ' ';
  text.back() = ' ';
  return text + "UTC";
}

std::string utc_time(std::optional<SystemTime> time) { return time ? utc_time(*time) : "-"; }

std::string breach(const SloStatus& slo) {
  // An inconclusive SLO counts as failing past inconclusiveThreshold, but it crossed no bound.
  if (slo.result == SloResult::Inconclusive)
    return slo.name + " inconclusive" + (slo.value.empty() ? std::string() : " (" + slo.value + ")");
  const std::string value = slo.value.empty() ? std::string("(no value)") : slo.value;
  const std::string_view threshold = slo.threshold;
  const bool single_bound = threshold.find(" and ") == std::string_view::npos;
  if (single_bound && starts_with(threshold, "<= "))
    return slo.name + " " + value + " > " + std::string(threshold.substr(3));
  if (single_bound && starts_with(threshold, ">= "))
    return slo.name + " " + value + " < " + std::string(threshold.substr(3));
  if (threshold.empty()) return slo.name + " " + value;
  return slo.name + " " + value + ", wants " + std::string(threshold);
}

const char* yes_no(bool value) { return value ? "yes" : "no"; }

std::string or_dash(std::string text) { return text.empty() ? std::string("-") : text; }

std::string revision(std::int64_t number) { return number > 0 ? std::to_string(number) : std::string("-"); }

}  // namespace rollguard::plugin
