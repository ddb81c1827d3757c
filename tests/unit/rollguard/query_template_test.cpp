#include "rollguard/query_template.hpp"

#include <gtest/gtest.h>

namespace rollguard {
namespace {

using Names = std::vector<std::string>;

TEST(UnknownTemplateVariables, KnownOnesPass) {
  EXPECT_EQ(unknown_template_variables(
                "rate(x{namespace=\"{{namespace}}\",pod_template_hash=\"{{podTemplateHash}}\","
                "d=\"{{deployment}}\",r=\"{{revision}}\",o=\"{{lastKnownGoodPodTemplateHash}}\","
                "p=\"{{policy}}\"}[{{interval}}])"),
            Names{});
  EXPECT_EQ(unknown_template_variables("no variables at all"), Names{});
}

TEST(UnknownTemplateVariables, WhitespaceInsideBracesIsAllowed) {
  EXPECT_EQ(unknown_template_variables("{{ namespace }} {{\tpodTemplateHash\t}}"), Names{});
}

TEST(UnknownTemplateVariables, ReportsEachUnknownInOrder) {
  EXPECT_EQ(unknown_template_variables("{{ns}} {{namespace}} {{podHash}} {{ Namespace }}"),
            (Names{"ns", "podHash", "Namespace"}));
}

TEST(UnknownTemplateVariables, UnterminatedIsReported) {
  EXPECT_EQ(unknown_template_variables("sum(x{ns=\"{{namespace\"})"), Names{"{{"});
  EXPECT_EQ(unknown_template_variables("{{namespace}} {{"), Names{"{{"});
}

TEST(RenderTemplate, SubstitutesEveryKnownVariable) {
  EvaluationContext c;
  c.ns = "prod";
  c.policy = "api-rbp";
  c.deployment = "api";
  c.revision = 7;
  c.pod_template_hash = "5d8f7c";
  c.last_known_good_pod_template_hash = "77aa01";
  c.interval = std::chrono::seconds(30);
  EXPECT_EQ(render_template("{{namespace}}/{{deployment}}@{{revision}} {{ podTemplateHash }} "
                            "vs {{lastKnownGoodPodTemplateHash}} [{{interval}}] {{policy}}",
                            c),
            "prod/api@7 5d8f7c vs 77aa01 [30s] api-rbp");
}

}  // namespace
}  // namespace rollguard
