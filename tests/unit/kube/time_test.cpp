#include "kube/time.hpp"

#include <gtest/gtest.h>

namespace rollguard::kube {
namespace {

using namespace std::chrono;

TEST(TimeParse, Utc) {
  auto t = parse_time("2030-01-02T03:04:05Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, sys_days(year(2030) / 1 / 2) + hours(3) + minutes(4) + seconds(5));
}

TEST(TimeParse, OffsetAndFraction) {
  auto t = parse_time("2030-01-02T03:04:05.25+01:30");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, sys_days(year(2030) / 1 / 2) + hours(1) + minutes(34) + seconds(5) + milliseconds(250));
  auto negative = parse_time("2030-01-01T23:00:00-02:00");
  ASSERT_TRUE(negative.has_value());
  EXPECT_EQ(*negative, sys_days(year(2030) / 1 / 2) + hours(1));
}

TEST(TimeParse, OutOfClockRangeIsClamped) {
  EXPECT_EQ(parse_time("9999-12-31T23:59:59Z"), system_clock::time_point::max());
  EXPECT_EQ(parse_time("0001-01-01T00:00:00Z"), system_clock::time_point::min());
  auto early = parse_time("1700-01-01T00:00:00Z");
  ASSERT_TRUE(early.has_value());
  EXPECT_LT(*early, sys_days(year(1970) / 1 / 1));
}

TEST(TimeParse, Rejects) {
  for (const char* bad :
       {"", "2030-01-02", "2030-01-02T03:04:05", "2030-13-02T03:04:05Z", "2030-02-30T03:04:05Z",
        "2030-01-02T24:04:05Z", "2030-01-02T03:04:05.Z", "2030-01-02T03:04:05Zjunk", "2030-01-02 03:04:05Z",
        "2030-01-02T03:04:05+0100", "yesterday"}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
}

TEST(TimeFormat, SecondsAndMicroseconds) {
  const SystemTime t =
      sys_days(year(2026) / 12 / 1) + hours(21) + minutes(30) + seconds(5) + microseconds(123456);
  EXPECT_EQ(format_time(t), "2026-12-01T21:30:05Z");  // metav1.Time drops the fraction
  EXPECT_EQ(format_micro_time(t), "2026-12-01T21:30:05.123456Z");
  // Before the epoch the fraction still counts forward from the whole second.
  EXPECT_EQ(format_micro_time(sys_days(year(1969) / 12 / 31) + hours(23) + minutes(59) + seconds(59) +
                              milliseconds(500)),
            "1969-12-31T23:59:59.500000Z");
}

TEST(TimeRoundTrip, MicroTimeAndTime) {
  const SystemTime t =
      sys_days(year(2026) / 11 / 28) + hours(14) + minutes(4) + seconds(20) + microseconds(123456);
  EXPECT_EQ(parse_time(format_micro_time(t)), t);
  EXPECT_EQ(parse_time(format_time(t)), floor<seconds>(t));
  EXPECT_EQ(format_micro_time(*parse_time("2026-11-28T14:04:20Z")), "2026-11-28T14:04:20.000000Z");
}

TEST(TimeParse, FractionPrecision) {
  const SystemTime base = sys_days(year(2026) / 1 / 1);
  EXPECT_EQ(parse_time("2026-01-01T00:00:00.5Z"), base + milliseconds(500));
  EXPECT_EQ(parse_time("2026-01-01T00:00:00.000001Z"), base + microseconds(1));
  // Digits past nanoseconds are dropped (truncated), as Go does.
  EXPECT_EQ(parse_time("2026-01-01T00:00:00.1234567899Z"), base + nanoseconds(123456789));
  EXPECT_EQ(parse_time("2026-01-01t00:00:00z"), base);  // RFC 3339 allows lower case
}

TEST(TimeParse, OffsetsAreNormalisedToUtc) {
  EXPECT_EQ(format_micro_time(*parse_time("2026-11-28T16:04:20.5+02:00")), "2026-11-28T14:04:20.500000Z");
  EXPECT_EQ(format_time(*parse_time("2026-12-31T23:30:00-01:00")), "2027-01-01T00:30:00Z");
  EXPECT_EQ(parse_time("2026-01-01T00:00:00+00:00"), parse_time("2026-01-01T00:00:00Z"));
}

TEST(TimeParse, Junk) {
  for (const char* bad : {"2026-11-28T14:04:60Z", "2026-11-28T14:04:20+24:00", "2026-11-28T14:04:20+01:60",
                          "2026-11-28T14:04:20+01", "2026-11-28T14:04:20.5", "2026-04-31T00:00:00Z",
                          "abcd-11-28T14:04:20Z", " 2026-11-28T14:04:20Z", "2026-11-28T14:04:20Z "}) {
    EXPECT_FALSE(parse_time(bad).has_value()) << bad;
  }
  EXPECT_TRUE(parse_time("2024-02-29T00:00:00Z").has_value());  // leap day
  EXPECT_FALSE(parse_time("2023-02-29T00:00:00Z").has_value());
}

}  // namespace
}  // namespace rollguard::kube
