#include <gtest/gtest.h>

#include "kube/watch_event.hpp"

namespace rollguard::kube {
namespace {

const std::string kStream =
    R"({"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"10"}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"11"},"x":"é\n"}})"
    "\r\n"
    R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}})"
    "\n\n"
    R"({"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"13"}}})"
    "\n"
    R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}})"
    "\n";

std::vector<std::string> frame_in_two(std::size_t split) {
  LineFramer framer;
  std::vector<std::string> lines;
  EXPECT_TRUE(framer.feed(std::string_view(kStream).substr(0, split), lines).has_value());
  EXPECT_TRUE(framer.feed(std::string_view(kStream).substr(split), lines).has_value());
  EXPECT_EQ(framer.pending(), 0u);
  return lines;
}

TEST(LineFramer, EverySplitOffsetGivesTheSameEvents) {
  const auto reference = frame_in_two(kStream.size());
  ASSERT_EQ(reference.size(), 5u);
  for (std::size_t split = 0; split <= kStream.size(); ++split) {
    ASSERT_EQ(frame_in_two(split), reference) << "split at byte " << split;
  }
}

TEST(LineFramer, ByteAtATime) {
  LineFramer framer;
  std::vector<std::string> lines;
  for (char c : kStream) ASSERT_TRUE(framer.feed(std::string_view(&c, 1), lines).has_value());
  EXPECT_EQ(lines, frame_in_two(kStream.size()));
}

TEST(LineFramer, HoldsBackAnUnterminatedLine) {
  LineFramer framer;
  std::vector<std::string> lines;
  ASSERT_TRUE(framer.feed("{\"type\":\"ADD", lines).has_value());
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(framer.pending(), 12u);
}

TEST(LineFramer, RefusesAnOversizedLine) {
  LineFramer framer(16);
  std::vector<std::string> lines;
  ASSERT_TRUE(framer.feed("0123456789", lines).has_value());
  auto fed = framer.feed("0123456789", lines);
  ASSERT_FALSE(fed.has_value());
  EXPECT_EQ(fed.error().kind(), ErrorKind::Decode);
}

TEST(WatchEvents, ParseEachType) {
  const auto lines = frame_in_two(kStream.size());
  std::vector<WatchEventType> types;
  for (const auto& line : lines) {
    auto event = parse_watch_event(line);
    ASSERT_TRUE(event.has_value()) << line;
    types.push_back(event->type);
  }
  EXPECT_EQ(types, (std::vector<WatchEventType>{WatchEventType::Added, WatchEventType::Modified,
                                                WatchEventType::Bookmark, WatchEventType::Deleted,
                                                WatchEventType::Error}));
  EXPECT_EQ(parse_watch_event(lines[2])->resource_version(), "12");
  auto error = parse_watch_event(lines[4])->error();
  EXPECT_TRUE(error.is_gone());
  EXPECT_EQ(error.message(), "too old");
}

TEST(WatchEvents, MalformedLinesAreErrorsNotCrashes) {
  for (std::string_view bad : {"", "not json", "[]", R"({"type":"ADDED"})", R"({"type":1,"object":{}})",
                               R"({"type":"EXPLODED","object":{}})", R"({"type":"ADDED","object":[]})"}) {
    auto event = parse_watch_event(bad);
    ASSERT_FALSE(event.has_value()) << bad;
    EXPECT_EQ(event.error().kind(), ErrorKind::Decode);
  }
}

TEST(WatchEvents, ResourceVersionMissingIsEmpty) {
  auto event = parse_watch_event(R"({"type":"ADDED","object":{"metadata":{"resourceVersion":5}}})");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->resource_version(), "");
}

}  // namespace
}  // namespace rollguard::kube
