#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "apimachinery/json_merge_patch.hpp"

namespace kubesim::apimachinery {
namespace {

struct MergeCase {
  const char* target;
  const char* patch;
  const char* expected;
};

class ApimachineryMergePatchRfcTest : public ::testing::TestWithParam<MergeCase> {};

// RFC 7386 Appendix A, one row per example.
TEST_P(ApimachineryMergePatchRfcTest, AppendixA) {
  const auto& c = GetParam();
  auto out = apply_merge_patch(boost::json::parse(c.target), boost::json::parse(c.patch));
  EXPECT_EQ(out, boost::json::parse(c.expected)) << boost::json::serialize(out);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7386, ApimachineryMergePatchRfcTest,
    ::testing::Values(MergeCase{R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                      MergeCase{R"({"a":"b"})", R"({"a":null})", R"({})"},
                      MergeCase{R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                      MergeCase{R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                      MergeCase{R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                      MergeCase{R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
                      MergeCase{R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                      MergeCase{R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
                      MergeCase{R"({"a":"b"})", R"(["c"])", R"(["c"])"},
                      MergeCase{R"({"a":"foo"})", "null", "null"},
                      MergeCase{R"({"a":"foo"})", R"("bar")", R"("bar")"},
                      MergeCase{R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                      MergeCase{R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                      MergeCase{R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}));

TEST(ApimachineryMergePatch, LeavesInputUntouched) {
  auto target = boost::json::parse(R"({"metadata":{"labels":{"a":"1","b":"2"}}})");
  auto copy = target;
  auto out = apply_merge_patch(target, boost::json::parse(R"({"metadata":{"labels":{"a":null}}})"));
  EXPECT_EQ(target, copy);
  EXPECT_EQ(out, boost::json::parse(R"({"metadata":{"labels":{"b":"2"}}})"));
}

}  // namespace
}  // namespace kubesim::apimachinery
