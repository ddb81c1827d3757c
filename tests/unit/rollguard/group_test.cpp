// Grouped policies: label selectors, targetRefs/targetSelector parsing, the status layout, the
// summary, and rollback.together driven through decide() with two fake Deployments.
#include "rollguard/group.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "decide_harness.hpp"
#include "rollguard/label_selector.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;
using namespace rollguard::testing;
using std::chrono::seconds;

PolicyOrErrors parse(std::string_view spec) {
  auto text = std::string(R"({"apiVersion":"rollguard.io/v1alpha1","kind":"RollbackPolicy",
    "metadata":{"name":"shop","namespace":"prod","uid":"u-1","generation":2},"spec":)") +
              std::string(spec) + "}";
  return parse_policy(json::parse(text).as_object());
}

bool has_error(const PolicyOrErrors& p, std::string_view field, std::string_view says) {
  for (auto& e : p.errors)
    if (e.field == field && e.message.find(says) != std::string::npos) return true;
  return false;
}

json::object labels(std::string_view text) { return json::parse(text).as_object(); }

TEST(LabelSelector, MatchLabelsAndEveryOperator) {
  auto p = parse(R"({"targetSelector":{"matchLabels":{"app":"shop"},"matchExpressions":[
      {"key":"tier","operator":"In","values":["api","web"]},
      {"key":"canary","operator":"DoesNotExist"},
      {"key":"team","operator":"Exists"},
      {"key":"env","operator":"NotIn","values":["dev"]}]}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  ASSERT_TRUE(p.policy.target_selector);
  const auto& s = *p.policy.target_selector;
  auto yes = labels(R"({"app":"shop","tier":"web","team":"x","env":"prod"})");
  EXPECT_TRUE(s.matches(&yes));
  for (auto text :
       {R"({"app":"shop","tier":"db","team":"x"})", R"({"app":"other","tier":"web","team":"x"})",
        R"({"app":"shop","tier":"web","team":"x","canary":"1"})", R"({"app":"shop","tier":"web"})",
        R"({"app":"shop","tier":"web","team":"x","env":"dev"})"}) {
    auto no = labels(text);
    EXPECT_FALSE(s.matches(&no)) << text;
  }
  EXPECT_FALSE(s.matches(nullptr));
  EXPECT_EQ(s.to_string(), "app=shop,tier in (api,web),!canary,team,env notin (dev)");
}

TEST(ParseGroupedPolicy, TargetRefsAndTogether) {
  auto p =
      parse(R"({"targetRefs":[{"name":"api"},{"name":"web","kind":"Deployment"}],"rollback":{"together":true},
      "manualRollback":{"toRevision":2,"requestId":"INC-1","target":"web"}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  EXPECT_TRUE(p.policy.grouped());
  EXPECT_EQ(p.policy.target_names, (std::vector<std::string>{"api", "web"}));
  EXPECT_TRUE(p.policy.rollback.together);
  EXPECT_EQ(member_policy(p.policy, "web").manual_rollback->request_id, "INC-1");
  EXPECT_FALSE(member_policy(p.policy, "api").manual_rollback);
  EXPECT_EQ(member_policy(p.policy, "api").target_name, "api");
  EXPECT_FALSE(member_policy(p.policy, "api").grouped());
}

TEST(ParseGroupedPolicy, EachInvalidFieldIsNamed) {
  struct Case {
    const char* spec;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {R"({"targetRef":{"name":"a"},"targetRefs":[{"name":"b"}]})", "spec.targetRef", "only one of"},
      {R"({"targetRefs":[{"name":"b"}],"targetSelector":{"matchLabels":{"a":"b"}}})", "spec.targetRefs",
       "only one of"},
      {R"({"targetRefs":[]})", "spec.targetRefs", "at least one"},
      {R"({"targetRefs":[{"name":"a"},{"name":"a"}]})", "spec.targetRefs[1].name", "duplicate target \"a\""},
      {R"({"targetRefs":[{"name":"a","kind":"StatefulSet"}]})", "spec.targetRefs[0].kind",
       "must be Deployment"},
      {R"({"targetRefs":["a"]})", "spec.targetRefs[0]", "must be an object"},
      {R"({"targetSelector":{}})", "spec.targetSelector", "empty selector is refused"},
      {R"({"targetSelector":{"matchExpressions":[{"key":"a","operator":"Near"}]}})",
       "spec.targetSelector.matchExpressions[0].operator", "must be In, NotIn"},
      {R"({"targetSelector":{"matchExpressions":[{"key":"a","operator":"In"}]}})",
       "spec.targetSelector.matchExpressions[0].values", "must be specified"},
      {R"({"targetSelector":{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}})",
       "spec.targetSelector.matchExpressions[0].values", "may not be specified"},
      {R"({"targetRefs":[{"name":"a"}],"manualRollback":{"toRevision":2,"requestId":"x"}})",
       "spec.manualRollback.target", "required on a grouped policy"},
      {R"({"targetRef":{"name":"a"},"manualRollback":{"toRevision":2,"requestId":"x","target":"b"}})",
       "spec.manualRollback.target", "must be the policy's targetRef"},
      {R"({})", "spec.targetRef", "required (or targetRefs"},
  };
  for (auto& c : cases) {
    auto p = parse(c.spec);
    EXPECT_FALSE(p.ok()) << c.spec;
    EXPECT_TRUE(has_error(p, c.field, c.says)) << c.spec << ": got " << describe(p.errors, 20);
  }
}

TEST(GroupTargets, RefsInOrderSelectorMatchesByName) {
  auto refs = parse(R"({"targetRefs":[{"name":"web"},{"name":"api"}]})");
  EXPECT_EQ(group_targets(refs.policy, {}), (std::vector<std::string>{"web", "api"}));
  auto sel = parse(R"({"targetSelector":{"matchLabels":{"app":"shop"}}})");
  auto d = [](const char* name, const char* app) {
    return json::parse(std::string(R"({"metadata":{"name":")") + name + R"(","labels":{"app":")" + app +
                       R"("}}})")
        .as_object();
  };
  auto web = d("web", "shop"), api = d("api", "shop"), db = d("db", "billing");
  EXPECT_EQ(group_targets(sel.policy, {&web, &db, &api}), (std::vector<std::string>{"api", "web"}));
}

TEST(GroupStatus, RoundTripsTargetsAndTheIncident) {
  GroupStatus g;
  g.summary.phase = Phase::RolledBack;
  g.summary.observed_generation = 3;
  PolicyStatus web;
  web.phase = Phase::RolledBack;
  web.current_revision = 4;
  web.last_known_good_revision = 4;
  web.handled_requests = {"together-api-2"};
  g.targets = {{"api", PolicyStatus{}}, {"web", web}};
  g.together = TogetherRollback{"together-api-2", "api", 2, 3, "rolled back 2 → 1: error-rate", {{"web", 1}}};
  json::value json = g.to_json();
  EXPECT_EQ(json.at("targets").at(1).at("name"), "web");
  EXPECT_EQ(json.at("targets").at(1).at("currentRevision"), 4);
  auto back = GroupStatus::from_json(&json);
  EXPECT_EQ(back.targets, g.targets);
  EXPECT_EQ(back.together, g.together);
  EXPECT_EQ(back.summary.phase, Phase::RolledBack);
  ASSERT_NE(back.target("web"), nullptr);
  EXPECT_EQ(back.target("db"), nullptr);
}

TEST(GroupSummary, MostUrgentPhaseFailingSlosPerTargetAndCombinedConditions) {
  auto group = parse(R"({"targetRefs":[{"name":"api"},{"name":"web"}]})").policy;
  PolicyStatus api, web;
  api.phase = Phase::Healthy;
  web.phase = Phase::Degraded;
  web.message = "SLOs breached";
  web.failing_slo = "error-rate,p99";
  kube::set_condition(api.conditions, {"Ready", kube::ConditionStatus::True, 2, {}, "Healthy", "ok"}, kStart);
  kube::set_condition(web.conditions, {"Ready", kube::ConditionStatus::True, 2, {}, "Degraded", "breach"},
                      kStart);
  kube::set_condition(api.conditions, {"SLOsMet", kube::ConditionStatus::True, 2, {}, "Passing", "ok"},
                      kStart);
  kube::set_condition(web.conditions, {"SLOsMet", kube::ConditionStatus::False, 2, {}, "Breached", "p99"},
                      kStart);
  auto s = summarize(group, {{"api", api}, {"web", web}}, PolicyStatus{}, kStart);
  EXPECT_EQ(s.phase, Phase::Degraded);
  EXPECT_EQ(s.failing_slo, "web/error-rate,web/p99");
  EXPECT_NE(s.message.find("web: SLOs breached"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("api: Healthy"), std::string::npos) << s.message;
  auto* ready = kube::find_condition(s.conditions, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, kube::ConditionStatus::True);
  auto* met = kube::find_condition(s.conditions, "SLOsMet");
  ASSERT_NE(met, nullptr);
  EXPECT_EQ(met->status, kube::ConditionStatus::False);
  EXPECT_EQ(met->reason, "Breached");
  EXPECT_EQ(summarize(group, {}, PolicyStatus{}, kStart).phase, Phase::Pending);
}

// Two members judged by decide(), each through the harness' fake API server.
struct Group {
  Policy group =
      parse(R"({"targetRefs":[{"name":"api"},{"name":"web"}],"rollback":{"together":true}})").policy;
  Harness api, web;
  std::optional<TogetherRollback> together;

  Group() {
    for (auto* h : {&api, &web}) {
      h->policy.target_names.clear();
      h->policy.rollback.together = true;
    }
    web.policy.target_name = "web";
    api.healthy_on("t1");
    web.healthy_on("w1");
  }
  // One group round: both decide; an incident re-decides the others with their requests.
  std::optional<TogetherRollback> round(std::vector<Measurement> api_m, std::vector<Measurement> web_m) {
    for (auto* h : {&api, &web}) {
      h->now += h->policy.interval;
      h->policy.manual_rollback.reset();
      if (together) h->policy.manual_rollback = together_request(*together, h == &api ? "api" : "web");
    }
    std::optional<Observation> api_obs = api.deployment.obs, web_obs = web.deployment.obs;
    PolicyStatus api_prev = api.stored, web_prev = web.stored;
    api.last = decide(api.policy, api_obs, api_m, api_prev, api.now);
    web.last = decide(web.policy, web_obs, web_m, web_prev, web.now);
    std::vector<MemberRound> r = {{"api", &*api_obs, &api_prev, &api.last},
                                  {"web", &*web_obs, &web_prev, &web.last}};
    auto incident = together_incident(group, r, together);
    if (incident) {
      together = incident;
      if (auto req = together_request(*incident, "web")) {
        web.policy.manual_rollback = req;
        web.last = decide(web.policy, web_obs, web_m, web_prev, web.now);
      }
    }
    for (auto* h : {&api, &web}) {
      if (h->last.status_changed) {
        json::value json = h->last.status.to_json();
        h->stored = PolicyStatus::from_json(&json);
      }
    }
    return incident;
  }
};

TEST(RollbackTogether, OneBreachRollsBackEveryChangedTargetOnce) {
  Group g;
  g.api.deployment.deploy("t2");
  g.web.deployment.deploy("w2");
  g.round({pass()}, {pass()});
  g.round({fail()}, {pass()});
  g.round({fail()}, {pass()});
  auto incident = g.round({fail()}, {pass()});  // api's third failing evaluation
  ASSERT_TRUE(g.api.last.rollback) << to_string(g.api.stored.phase) << " " << g.api.stored.message;
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->trigger, "api");
  EXPECT_EQ(incident->members, (std::map<std::string, std::int64_t>{{"web", 1}}));
  ASSERT_TRUE(g.web.last.rollback);
  EXPECT_EQ(g.web.last.rollback->to_revision, 1);
  EXPECT_EQ(g.web.last.rollback->reason, RollbackReason::Manual);
  EXPECT_NE(g.web.last.rollback->message.find("rolled back together with api"), std::string::npos)
      << g.web.last.rollback->message;

  // The patches apply; the next rounds confirm and never roll back again.
  EXPECT_TRUE(g.api.deployment.apply(*g.api.last.rollback));
  EXPECT_TRUE(g.web.deployment.apply(*g.web.last.rollback));
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(g.round({pass()}, {pass()}));
    EXPECT_FALSE(g.api.last.rollback);
    EXPECT_FALSE(g.web.last.rollback);
  }
  EXPECT_EQ(g.api.deployment.patches_applied, 1);
  EXPECT_EQ(g.web.deployment.patches_applied, 1);
  EXPECT_EQ(g.web.stored.phase, Phase::RolledBack);
}

TEST(RollbackTogether, AReissuedPatchIsNoNewIncidentAndUnchangedTargetsStay) {
  Group g;
  g.api.deployment.deploy("t2");  // web stays on its last known good w1
  g.round({pass()}, {pass()});
  g.round({fail()}, {pass()});
  g.round({fail()}, {pass()});
  auto incident = g.round({fail()}, {pass()});
  ASSERT_TRUE(incident);
  EXPECT_TRUE(incident->members.empty());
  EXPECT_FALSE(g.web.last.rollback);
  // The api patch did not apply (a stale view): the same rollback is re-issued, no second incident.
  g.api.deployment.bump();
  EXPECT_FALSE(g.round({fail()}, {pass()}));
}

TEST(RollbackTogether, OffDryRunAndManualStartNoIncident) {
  auto single = [](bool together, RollbackMode mode) {
    Group g;
    g.group.rollback.together = together;
    for (auto* h : {&g.api, &g.web}) h->policy.rollback.mode = mode;
    g.api.deployment.deploy("t2");
    g.web.deployment.deploy("w2");
    g.round({pass()}, {pass()});
    std::optional<TogetherRollback> any;
    for (int i = 0; i < 3; ++i)
      if (auto inc = g.round({fail()}, {pass()})) any = inc;
    return std::pair{any, g.web.last.rollback.has_value()};
  };
  EXPECT_FALSE(single(false, RollbackMode::Automatic).first);
  EXPECT_FALSE(single(true, RollbackMode::DryRun).first);
  // A manual rollback of one member is that member's only.
  Group g;
  g.api.deployment.deploy("t2");
  g.web.deployment.deploy("w2");
  g.round({pass()}, {pass()});
  g.api.policy.manual_rollback = ManualRollback{1, "INC-1"};
  std::optional<Observation> api_obs = g.api.deployment.obs, web_obs = g.web.deployment.obs;
  auto api_d = decide(g.api.policy, api_obs, {}, g.api.stored, g.api.now);
  ASSERT_TRUE(api_d.rollback);
  auto web_d = decide(g.web.policy, web_obs, {}, g.web.stored, g.web.now);
  std::vector<MemberRound> r = {{"api", &*api_obs, &g.api.stored, &api_d},
                                {"web", &*web_obs, &g.web.stored, &web_d}};
  EXPECT_FALSE(together_incident(g.group, r, std::nullopt));
}

}  // namespace
}  // namespace rollguard
