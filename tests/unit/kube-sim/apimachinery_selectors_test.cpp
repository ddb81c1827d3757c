#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apimachinery/selectors.hpp"

namespace kubesim::apimachinery {
namespace {

namespace json = boost::json;

struct MatchCase {
  const char* selector;
  const char* labels;
  bool expected;
};

class ApimachineryLabelSelectorMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(ApimachineryLabelSelectorMatchTest, Matches) {
  const auto& c = GetParam();
  auto sel = parse_label_selector(c.selector);
  ASSERT_TRUE(sel.has_value()) << sel.error().message;
  auto labels = json::parse(c.labels);
  EXPECT_EQ(matches(*sel, labels.if_object()), c.expected) << c.selector << " vs " << c.labels;
}

INSTANTIATE_TEST_SUITE_P(
    StringForm, ApimachineryLabelSelectorMatchTest,
    ::testing::Values(MatchCase{"", R"({})", true}, MatchCase{"app=web", R"({"app":"web"})", true},
                      MatchCase{"app=web", R"({"app":"db"})", false},
                      MatchCase{"app==web", R"({"app":"web"})", true},
                      MatchCase{"app!=web", R"({"app":"db"})", true}, MatchCase{"app!=web", R"({})", true},
                      MatchCase{"app!=web", R"({"app":"web"})", false},
                      MatchCase{"env in (prod, staging)", R"({"env":"staging"})", true},
                      MatchCase{"env in (prod,staging)", R"({"env":"dev"})", false},
                      MatchCase{"env in (prod)", R"({})", false},
                      MatchCase{"env notin (prod)", R"({})", true},
                      MatchCase{"env notin (prod,dev)", R"({"env":"dev"})", false},
                      MatchCase{"track", R"({"track":""})", true}, MatchCase{"track", R"({})", false},
                      MatchCase{"!track", R"({})", true}, MatchCase{"!track", R"({"track":"x"})", false},
                      MatchCase{"app=web,tier=fe", R"({"app":"web","tier":"fe"})", true},
                      MatchCase{"app=web,tier=fe", R"({"app":"web","tier":"be"})", false},
                      MatchCase{"app.kubernetes.io/name=x", R"({"app.kubernetes.io/name":"x"})", true},
                      MatchCase{"a=", R"({"a":""})", true}, MatchCase{"a=", R"({"a":"x"})", false},
                      MatchCase{"  app = web  ", R"({"app":"web"})", true},
                      MatchCase{"in=notin", R"({"in":"notin"})", true}));

class ApimachineryLabelSelectorParseErrorTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ApimachineryLabelSelectorParseErrorTest, Rejects) {
  auto sel = parse_label_selector(GetParam());
  ASSERT_FALSE(sel.has_value()) << GetParam();
  EXPECT_EQ(sel.error().code, 400);
  EXPECT_EQ(sel.error().reason, "BadRequest");
  EXPECT_NE(sel.error().message.find("unable to parse requirement"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, ApimachineryLabelSelectorParseErrorTest,
    ::testing::Values("app=web,", "=web", "app in prod", "app in (prod", "app in ()", "!app=web", "app=web=x",
                      "app web", "-app=x", "app=-x", "Bad_Prefix/app=x", "a,,b", "app=(x)",
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=x"));

TEST(ApimachineryLabelSelector, ToStringRoundTrips) {
  auto sel = parse_label_selector("a=1,b!=2,c in (x,y),d notin (z),e,!f");
  ASSERT_TRUE(sel.has_value());
  EXPECT_EQ(to_string(*sel), "a=1,b!=2,c in (x,y),d notin (z),e,!f");
  auto again = parse_label_selector(to_string(*sel));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->requirements.size(), 6u);
}

TEST(ApimachineryLabelSelector, FromJson) {
  auto sel = label_selector_from_json(json::parse(R"({"matchLabels":{"app":"web"},
      "matchExpressions":[{"key":"env","operator":"In","values":["a","b"]},
                          {"key":"legacy","operator":"DoesNotExist"},
                          {"key":"tier","operator":"NotIn","values":["db"]},
                          {"key":"track","operator":"Exists"}]})"));
  ASSERT_TRUE(sel.has_value()) << sel.error().message;
  EXPECT_TRUE(matches(*sel, json::parse(R"({"app":"web","env":"a","track":"x"})").if_object()));
  EXPECT_FALSE(matches(*sel, json::parse(R"({"app":"web","env":"c","track":"x"})").if_object()));
  EXPECT_FALSE(matches(*sel, json::parse(R"({"app":"web","env":"a","track":"x","legacy":"1"})").if_object()));
  EXPECT_FALSE(matches(*sel, json::parse(R"({"app":"web","env":"a","track":"x","tier":"db"})").if_object()));
  EXPECT_FALSE(matches(*sel, json::parse(R"({"app":"web","env":"a"})").if_object()));
}

TEST(ApimachineryLabelSelector, JsonNullMatchesNothingEmptyMatchesAll) {
  auto none = label_selector_from_json(json::value());
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(matches(*none, json::parse(R"({})").if_object()));
  auto all = label_selector_from_json(json::parse("{}"));
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(matches(*all, nullptr));
}

TEST(ApimachineryLabelSelector, JsonErrors) {
  for (const char* bad : {R"({"matchExpressions":[{"key":"a","operator":"Foo"}]})",
                          R"({"matchExpressions":[{"key":"a","operator":"In","values":[]}]})",
                          R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})",
                          R"({"matchExpressions":[{"operator":"Exists"}]})", R"({"matchLabels":{"a":1}})",
                          R"({"matchLabels":{"a b":"x"}})", R"([1])"}) {
    EXPECT_FALSE(label_selector_from_json(json::parse(bad)).has_value()) << bad;
  }
}

TEST(ApimachineryLabelSelector, MatchesObjectReadsMetadataLabels) {
  auto sel = parse_label_selector("app=web");
  ASSERT_TRUE(sel.has_value());
  EXPECT_TRUE(matches_object(*sel, json::parse(R"({"metadata":{"labels":{"app":"web"}}})")));
  EXPECT_FALSE(matches_object(*sel, json::parse(R"({"metadata":{}})")));
  EXPECT_FALSE(matches_object(*sel, json::parse(R"(42)")));
}

TEST(ApimachineryFieldSelector, MatchesNameAndNamespace) {
  auto obj = json::parse(R"({"metadata":{"name":"a","namespace":"ns"},"status":{"phase":"Running"}})");
  struct Case {
    const char* sel;
    bool expected;
  };
  for (auto c :
       {Case{"metadata.name=a", true}, Case{"metadata.name==a", true}, Case{"metadata.name!=a", false},
        Case{"metadata.name=b", false}, Case{"metadata.name=a,metadata.namespace=ns", true},
        Case{"metadata.name=a,metadata.namespace!=ns", false}, Case{"", true},
        Case{"status.phase=Running", true}, Case{"status.phase!=Running", false}}) {
    std::vector<std::string> extra{"status.phase"};
    auto sel = parse_field_selector(c.sel, extra);
    ASSERT_TRUE(sel.has_value()) << c.sel << ": " << sel.error().message;
    EXPECT_EQ(matches(*sel, obj), c.expected) << c.sel;
  }
}

TEST(ApimachineryFieldSelector, MissingFieldComparesAsEmpty) {
  auto sel = parse_field_selector("metadata.namespace=");
  ASSERT_TRUE(sel.has_value());
  EXPECT_TRUE(matches(*sel, json::parse(R"({"metadata":{"name":"x"}})")));
  EXPECT_FALSE(matches(*sel, json::parse(R"({"metadata":{"namespace":"x"}})")));
}

TEST(ApimachineryFieldSelector, ObjectAndValueFormsAgreeIncludingPathsThroughNonObjects) {
  std::vector<std::string> extra{"status.phase", "spec.nodeName", "metadata.name.first"};
  const auto object = json::parse(R"({"metadata":{"name":"a"},"status":{"phase":"Running"},"spec":7})");
  for (const char* text : {"status.phase=Running", "status.phase=Pending", "spec.nodeName=",
                           "spec.nodeName!=", "metadata.name.first=", "metadata.name.first=a"}) {
    auto sel = parse_field_selector(text, extra);
    ASSERT_TRUE(sel.has_value()) << text;
    EXPECT_EQ(matches(*sel, object), matches(*sel, object.as_object())) << text;
  }
  // A path through a non-object (spec is a number, metadata.name a string) compares as "".
  auto through_number = parse_field_selector("spec.nodeName=", extra);
  EXPECT_TRUE(matches(*through_number, object.as_object()));
  auto through_string = parse_field_selector("metadata.name.first=a", extra);
  EXPECT_FALSE(matches(*through_string, object.as_object()));
  // A value that is not an object has no fields at all.
  auto name = parse_field_selector("metadata.name=");
  EXPECT_TRUE(matches(*name, json::value(3)));
}

TEST(ApimachineryFieldSelector, EscapedValue) {
  auto sel = parse_field_selector(R"(metadata.name=a\,b\=c)");
  ASSERT_TRUE(sel.has_value()) << sel.error().message;
  ASSERT_EQ(sel->requirements.size(), 1u);
  EXPECT_EQ(sel->requirements[0].value, "a,b=c");
}

TEST(ApimachineryFieldSelector, UnsupportedFieldIsBadRequest) {
  auto sel = parse_field_selector("spec.nodeName=x");
  ASSERT_FALSE(sel.has_value());
  EXPECT_EQ(sel.error().code, 400);
  EXPECT_EQ(sel.error().message, "field label not supported: spec.nodeName");
  std::vector<std::string> extra{"involvedObject.name"};
  EXPECT_TRUE(parse_field_selector("involvedObject.name=x", extra).has_value());
  EXPECT_FALSE(parse_field_selector("involvedObject.name=x").has_value());
}

TEST(ApimachineryFieldSelector, SyntaxErrors) {
  EXPECT_FALSE(parse_field_selector("metadata.name").has_value());
  EXPECT_FALSE(parse_field_selector(R"(metadata.name=a\)").has_value());
  EXPECT_FALSE(parse_field_selector(R"(metadata.name=a\x)").has_value());
}

}  // namespace
}  // namespace kubesim::apimachinery
