// Boolean query parameters, read as the API server reads them (apimachinery's
// Convert_Slice_string_To_bool): only absent, "0" and "false" in any letter case are false.
#include <gtest/gtest.h>

#include "apimachinery/query_bool.hpp"

namespace kubesim::apimachinery {
namespace {

TEST(QueryBool, AbsentIsFalse) { EXPECT_FALSE(query_bool(std::nullopt)); }

TEST(QueryBool, ZeroAndFalseInAnyCaseAreFalse) {
  for (const char* text : {"0", "false", "False", "FALSE", "fAlSe"}) {
    EXPECT_FALSE(query_bool(std::string_view(text))) << text;
  }
}

TEST(QueryBool, TheFormsOfGoParseBoolAreTrue) {
  for (const char* text : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_TRUE(query_bool(std::string_view(text))) << text;
  }
}

// Not ParseBool: "?watch" (empty), "yes" or "2" are a watch on a real API server, never a 400.
TEST(QueryBool, EveryOtherValueIsTrueEmptyIncluded) {
  for (const char* text : {"", "yes", "2", "f", "F", "no", "off"}) {
    EXPECT_TRUE(query_bool(std::string_view(text))) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace kubesim::apimachinery
