#include "rollguard/duration.hpp"

#include <gtest/gtest.h>

#include "rollguard/query_template.hpp"

namespace rollguard {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct Good {
  const char* text;
  Duration expected;
};

TEST(ParseDuration, AcceptsGoForms) {
  const Good cases[] = {
      {"10s", seconds(10)},         {"1m30s", seconds(90)},
      {"500ms", milliseconds(500)}, {"1h", hours(1)},
      {"2h45m", minutes(165)},      {"1.5s", milliseconds(1500)},
      {"0.5h", minutes(30)},        {"0", Duration(0)},
      {"0s", Duration(0)},          {"1h1m1s1ms", milliseconds(3661001)},
      {"90m", minutes(90)},         {"1.0001s", milliseconds(1000)},
  };
  for (auto& c : cases) {
    auto parsed = parse_duration(c.text);
    EXPECT_TRUE(parsed.ok()) << c.text << ": " << parsed.error;
    EXPECT_EQ(parsed.value, c.expected) << c.text;
  }
}

struct Bad {
  const char* text;
  const char* says;
};

TEST(ParseDuration, RejectsJunkWithAMessage) {
  const Bad cases[] = {
      {"", "empty"},
      {"-5s", "negative"},
      {"+5s", "sign"},
      {"10", "missing unit"},
      {"ten", "expected a number"},
      {"10x", "unknown unit \"x\""},
      {"5 s", "unknown unit \" s\""},
      {"1d", "unknown unit \"d\""},
      {"10us", "unknown unit \"us\""},
      {".s", "expected a number"},
      {"99999999h", "too large"},
      {"s", "expected a number"},
  };
  for (auto& c : cases) {
    auto parsed = parse_duration(c.text);
    EXPECT_FALSE(parsed.ok()) << c.text;
    EXPECT_NE(parsed.error.find(c.says), std::string::npos) << c.text << " -> " << parsed.error;
    EXPECT_NE(parsed.error.find("\"" + std::string(c.text) + "\""), std::string::npos) << parsed.error;
  }
}

TEST(FormatDuration, ShortestFormThatParsesBack) {
  const Good cases[] = {{"10s", seconds(10)},    {"1m30s", seconds(90)}, {"1500ms", milliseconds(1500)},
                        {"2h45m", minutes(165)}, {"0s", Duration(0)},    {"1h0m1s", seconds(3601)}};
  for (auto& c : cases) {
    auto text = format_duration(c.expected);
    auto back = parse_duration(text);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(back.value, c.expected) << text;
  }
  EXPECT_EQ(format_duration(seconds(90)), "1m30s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(seconds(3601)), "1h1s");
}

}  // namespace
}  // namespace rollguard
