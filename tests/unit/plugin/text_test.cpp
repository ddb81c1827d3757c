// The plugin's text helpers: table layout, ages, UTC times, breaches.
#include "text.hpp"

#include <gtest/gtest.h>

#include "kube/time.hpp"

namespace rollguard::plugin {
namespace {

using namespace std::chrono_literals;

SystemTime at(const char* text) { return *kube::parse_time(text); }

TEST(RenderTable, ColumnsAreAsWideAsTheirWidestCellAndLinesHaveNoTrailingSpaces) {
  const std::string table =
      render_table({"NAME", "PHASE", "AGE"}, {{"web", "RolledBack", "5s"}, {"api-server", "Healthy", ""}});
  EXPECT_EQ(table,
            "NAME         PHASE        AGE\n"
            "web          RolledBack   5s\n"
            "api-server   Healthy\n");
}

TEST(RenderTable, MultiByteCharactersCountAsOneColumn) {
  const std::string table = render_table({"REVISION", "X"}, {{"3 → 1", "a"}, {"12", "b"}}, "  ");
  EXPECT_EQ(table,
            "  REVISION   X\n"
            "  3 → 1      a\n"
            "  12         b\n");
  EXPECT_EQ(display_width("3 → 1"), 5u);
}

TEST(RenderTable, ShortRowsAreFilledWithEmptyCells) {
  EXPECT_EQ(render_table({"A", "B"}, {{"x"}}), "A   B\nx\n");
}

TEST(HumanDuration, FollowsKubectl) {
  EXPECT_EQ(human_duration(0s), "0s");
  EXPECT_EQ(human_duration(-5s), "0s");
  EXPECT_EQ(human_duration(45s), "45s");
  EXPECT_EQ(human_duration(119s), "119s");
  EXPECT_EQ(human_duration(2min), "2m");
  EXPECT_EQ(human_duration(5min + 3s), "5m3s");
  EXPECT_EQ(human_duration(42min), "42m");
  EXPECT_EQ(human_duration(2h + 5min), "125m");
  EXPECT_EQ(human_duration(3h + 5min), "3h5m");
  EXPECT_EQ(human_duration(20h), "20h");
  EXPECT_EQ(human_duration(76h), "3d4h");
  EXPECT_EQ(human_duration(24h * 120), "120d");
  EXPECT_EQ(human_duration(24h * (365 * 2 + 40)), "2y40d");
}

TEST(Age, UnknownTimesShowAsDash) {
  const auto now = at("2026-12-02T01:00:00Z");
  EXPECT_EQ(age(std::nullopt, now), "-");
  EXPECT_EQ(age(SystemTime{}, now), "-");
  EXPECT_EQ(age(at("2026-12-02T00:59:30Z"), now), "30s");
  EXPECT_EQ(age(at("2026-12-02T01:00:30Z"), now), "0s") << "a controller clock ahead of ours";
}

TEST(UtcTime, IsReadableAndSaysUtc) {
  EXPECT_EQ(utc_time(at("2026-12-02T00:58:32Z")), "2026-12-02 00:58:32 UTC");
  EXPECT_EQ(utc_time(SystemTime{}), "-");
  EXPECT_EQ(utc_time(std::optional<SystemTime>{}), "-");
}

TEST(Breach, NegatesASingleBound) {
  EXPECT_EQ(
      breach({.name = "error-rate", .result = SloResult::Fail, .value = "0.31", .threshold = "<= 0.05"}),
      "error-rate 0.31 > 0.05");
  EXPECT_EQ(breach({.name = "throughput", .result = SloResult::Fail, .value = "3", .threshold = ">= 10"}),
            "throughput 3 < 10");
}

TEST(Breach, ShowsOtherThresholdsAsWritten) {
  EXPECT_EQ(breach({.name = "band", .result = SloResult::Fail, .value = "7", .threshold = ">= 1 and <= 5"}),
            "band 7, wants >= 1 and <= 5");
  EXPECT_EQ(
      breach({.name = "health", .result = SloResult::Fail, .value = "HTTP 503", .threshold = "HTTP 200"}),
      "health HTTP 503, wants HTTP 200");
  EXPECT_EQ(breach({.name = "check", .result = SloResult::Fail, .value = "", .threshold = ""}),
            "check (no value)");
}

TEST(Breach, AnInconclusiveSloCrossedNoBound) {
  EXPECT_EQ(breach({.name = "error-rate",
                    .result = SloResult::Inconclusive,
                    .value = "no data",
                    .threshold = "<= 0.05"}),
            "error-rate inconclusive (no data)");
  EXPECT_EQ(breach({.name = "health", .result = SloResult::Inconclusive}), "health inconclusive");
}

TEST(Cells, NeverBlank) {
  EXPECT_EQ(or_dash(""), "-");
  EXPECT_EQ(or_dash("x"), "x");
  EXPECT_EQ(revision(0), "-");
  EXPECT_EQ(revision(4), "4");
}

}  // namespace
}  // namespace rollguard::plugin
