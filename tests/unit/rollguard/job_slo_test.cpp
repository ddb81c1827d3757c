// The job SLO's pure parts: spec validation, the Job a revision gets, its result from the cached
// Job and pods, which old check Jobs go.
#include "rollguard/job_slo.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "kube/time.hpp"
#include "rollguard/policy.hpp"

namespace rollguard {
namespace {

namespace json = boost::json;

constexpr const char* kTemplate = R"({"metadata":{"labels":{"team":"payments"}},
  "spec":{"template":{"spec":{"containers":[{"name":"check","image":"rollguard/check:v1",
  "env":[{"name":"ROLLGUARD_REVISION","value":"mine"}]}]}}}})";

// A policy "api" in "prod" whose only SLO is `job` (JSON text of slos[0].job).
PolicyOrErrors with_job(std::string_view job) {
  json::object rbp;
  rbp["metadata"] = json::object{{"name", "api"}, {"namespace", "prod"}, {"uid", "u-1"}};
  rbp["spec"] =
      json::object{{"targetRef", json::object{{"name", "api"}}},
                   {"slos", json::array{json::object{{"name", "smoke"}, {"job", json::parse(job)}}}}};
  return parse_policy(rbp);
}

bool has_error(const PolicyOrErrors& p, std::string_view field, std::string_view says) {
  for (auto& e : p.errors)
    if (e.field == field && e.message.find(says) != std::string::npos) return true;
  return false;
}

TEST(JobSloSpec, ParsesWithDefaults) {
  auto p = with_job(std::string(R"({"template":)") + kTemplate + "}");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  auto& slo = std::get<JobSlo>(p.policy.slos.at(0).check);
  EXPECT_EQ(kind_name(p.policy.slos[0]), std::string("job"));
  EXPECT_EQ(slo.timeout, std::chrono::minutes(10));
  EXPECT_EQ(slo.keep, 3);
  EXPECT_EQ(json::parse(slo.template_json), json::parse(kTemplate));
}

TEST(JobSloSpec, EachInvalidFieldIsNamed) {
  const std::string base = "spec.slos[0].job";
  EXPECT_TRUE(has_error(with_job("{}"), base + ".template", "required"));
  EXPECT_TRUE(has_error(with_job(R"({"template":{}})"), base + ".template.spec", "required"));
  EXPECT_TRUE(
      has_error(with_job(R"({"template":{"spec":{}}})"), base + ".template.spec.template", "required"));
  EXPECT_TRUE(has_error(with_job(R"({"template":{"spec":{"template":{"spec":{"containers":[]}}}}})"),
                        base + ".template.spec.template.spec.containers", "must not be empty"));
  EXPECT_TRUE(
      has_error(with_job(R"({"template":{"spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}})"),
                base + ".template.spec.template.spec.containers[0].image", "required"));
  EXPECT_TRUE(has_error(
      with_job(R"({"template":{"spec":{"template":{"spec":{"restartPolicy":"Always","containers":[]}}}}})"),
      base + ".template.spec.template.spec.restartPolicy", "Never or OnFailure"));
  EXPECT_TRUE(has_error(with_job(R"({"template":{"metadata":{"name":"x"},"spec":{}}})"),
                        base + ".template.metadata.name", "only labels and annotations"));
  EXPECT_TRUE(
      has_error(with_job(R"({"template":{"metadata":{"labels":{"rollguard.io/slo":"x"}},"spec":{}}})"),
                base + ".template.metadata.labels.rollguard.io/slo", "reserved"));
  EXPECT_TRUE(has_error(with_job(R"({"template":{"spec":{"selector":{}}}})"),
                        base + ".template.spec.selector", "must not be set"));
  const std::string ok = std::string(R"("template":)") + kTemplate;
  EXPECT_TRUE(has_error(with_job("{" + ok + R"(,"timeout":"0s"})"), base + ".timeout", "greater than zero"));
  EXPECT_TRUE(has_error(with_job("{" + ok + R"(,"keep":0})"), base + ".keep", ""));
  EXPECT_TRUE(has_error(with_job(R"({"template":"x"})"), base + ".template", "an object"));
}

TEST(JobName, DeterministicDnsLabelOfAtMost63) {
  EXPECT_EQ(job_name("api", "smoke", "7d9f8c"), "api-smoke-7d9f8c");
  EXPECT_EQ(job_name("api.v2", "smoke", "7d9f8c"), "api-v2-smoke-7d9f8c");
  const std::string long_policy(60, 'p');
  auto a = job_name(long_policy, "smoke", "7d9f8c");
  auto b = job_name(long_policy, "smoke", "7d9f8d");
  EXPECT_EQ(a.size(), kMaxJobName);
  EXPECT_NE(a, b);  // same beginning, different revision: the hash suffix differs
  EXPECT_EQ(a, job_name(long_policy, "smoke", "7d9f8c"));
  EXPECT_NE(a.back(), '-');
  for (char c : a) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << a;
}

Policy policy_api() {
  auto p = with_job(std::string(R"({"timeout":"90s","template":)") + kTemplate + "}");
  EXPECT_TRUE(p.ok()) << describe(p.errors);
  return p.policy;
}

EvaluationContext context_v7() {
  EvaluationContext c;
  c.ns = "prod";
  c.policy = "api";
  c.deployment = "api";
  c.revision = 7;
  c.pod_template_hash = "7d9f8c";
  return c;
}

TEST(JobObject, LabelsOwnerEnvAndDefaults) {
  auto policy = policy_api();
  std::string error;
  auto job = job_object(std::get<JobSlo>(policy.slos[0].check), "smoke", policy, context_v7(), error);
  ASSERT_TRUE(job) << error;
  auto& o = *job;
  EXPECT_EQ(o.at("kind"), "Job");
  EXPECT_EQ(o.at("metadata").at("name"), "api-smoke-7d9f8c");
  EXPECT_EQ(o.at("metadata").at("namespace"), "prod");
  auto& labels = o.at("metadata").at("labels").as_object();
  EXPECT_EQ(labels.at("team"), "payments");
  EXPECT_EQ(labels.at("rollguard.io/policy"), "api");
  EXPECT_EQ(labels.at("rollguard.io/slo"), "smoke");
  EXPECT_EQ(labels.at("rollguard.io/revision"), "7");
  EXPECT_EQ(labels.at("rollguard.io/pod-template-hash"), "7d9f8c");
  auto& owner = o.at("metadata").at("ownerReferences").at(0).as_object();
  EXPECT_EQ(owner.at("kind"), "RollbackPolicy");
  EXPECT_EQ(owner.at("uid"), "u-1");
  EXPECT_EQ(owner.at("controller"), true);
  EXPECT_FALSE(owner.contains("blockOwnerDeletion"));
  auto& spec = o.at("spec").as_object();
  EXPECT_EQ(spec.at("backoffLimit"), 0);
  EXPECT_EQ(spec.at("activeDeadlineSeconds"), 90);
  auto& pod = spec.at("template").as_object();
  EXPECT_EQ(pod.at("metadata").at("labels").at("rollguard.io/policy"), "api");
  EXPECT_EQ(pod.at("spec").at("restartPolicy"), "Never");
  std::map<std::string, std::string> env;
  int revisions = 0;
  for (auto& e : pod.at("spec").at("containers").at(0).at("env").as_array()) {
    env[std::string(e.at("name").as_string())] = e.at("value").as_string();
    revisions += e.at("name") == "ROLLGUARD_REVISION";
  }
  EXPECT_EQ(env["ROLLGUARD_NAMESPACE"], "prod");
  EXPECT_EQ(env["ROLLGUARD_DEPLOYMENT"], "api");
  EXPECT_EQ(env["ROLLGUARD_POD_TEMPLATE_HASH"], "7d9f8c");
  EXPECT_EQ(env["ROLLGUARD_REVISION"], "mine");  // the template's own value is kept, not duplicated
  EXPECT_EQ(revisions, 1);
}

TEST(JobObject, TemplateSettingsWin) {
  auto p = with_job(
      R"({"template":{"spec":{"backoffLimit":2,"activeDeadlineSeconds":30,"template":{"spec":{
        "restartPolicy":"OnFailure","containers":[{"name":"c","image":"i"}]}}}}})");
  ASSERT_TRUE(p.ok()) << describe(p.errors);
  std::string error;
  auto job = job_object(std::get<JobSlo>(p.policy.slos[0].check), "smoke", p.policy, context_v7(), error);
  ASSERT_TRUE(job) << error;
  EXPECT_EQ(job->at("spec").at("backoffLimit"), 2);
  EXPECT_EQ(job->at("spec").at("activeDeadlineSeconds"), 30);
  EXPECT_EQ(job->at("spec").at("template").at("spec").at("restartPolicy"), "OnFailure");
}

TEST(JobObject, PolicyNameTooLongForALabel) {
  auto policy = policy_api();
  policy.name = std::string(64, 'a');
  std::string error;
  EXPECT_FALSE(job_object(std::get<JobSlo>(policy.slos[0].check), "smoke", policy, context_v7(), error));
  EXPECT_NE(error.find("longer than 63"), std::string::npos) << error;
}

const SystemTime kStart = SystemTime{} + std::chrono::hours(24 * 365 * 56);  // 2026

json::object job_with(std::string_view conditions) {
  return json::parse(
             std::string(
                 R"({"metadata":{"name":"api-smoke-7d9f8c","creationTimestamp":"2025-12-01T10:00:00Z"},
    "status":{"startTime":"2025-12-01T10:00:00Z","conditions":)") +
             std::string(conditions) + "}}")
      .as_object();
}

json::object failed_pod(std::string_view message, std::string_view finished) {
  return json::parse(std::string(R"({"metadata":{"name":"p"},"status":{"phase":"Failed","containerStatuses":[
    {"name":"check","state":{"terminated":{"exitCode":1,"finishedAt":")") +
                     std::string(finished) + R"(","message":)" + json::serialize(json::value(message)) +
                     "}}}]}}")
      .as_object();
}

SystemTime at(std::string_view rfc3339) { return *kube::parse_time(rfc3339); }

TEST(JobMeasurement, FailedWithTheNewestPodsTerminationMessage) {
  JobSlo slo;
  auto job =
      job_with(R"([{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"limit"}])");
  auto older = failed_pod("old failure", "2025-12-01T10:00:05Z");
  auto newer = failed_pod("  GET /health answered 503\n\n  on pod web-2  \n", "2025-12-01T10:00:09Z");
  auto m = job_measurement(slo, job, {&older, &newer}, kStart);
  EXPECT_EQ(m.result, SloResult::Fail);
  EXPECT_EQ(m.value, "Failed");
  EXPECT_EQ(
      m.message,
      "check job api-smoke-7d9f8c failed (BackoffLimitExceeded): GET /health answered 503; on pod web-2");
  // Without a pod message: the condition's.
  EXPECT_EQ(job_measurement(slo, job, {}, kStart).message,
            "check job api-smoke-7d9f8c failed (BackoffLimitExceeded): limit");
  // FailureTarget (newer API servers) counts as failed before Failed is set.
  auto target = job_with(R"([{"type":"FailureTarget","status":"True","reason":"DeadlineExceeded"}])");
  EXPECT_EQ(job_measurement(slo, target, {}, kStart).result, SloResult::Fail);
}

TEST(JobMeasurement, TerminationMessageIsCut) {
  auto pod = failed_pod(std::string(1000, 'x'), "2025-12-01T10:00:05Z");
  auto message = termination_message({&pod});
  EXPECT_EQ(message.size(), kMaxTerminationMessage + 3);
  EXPECT_TRUE(message.ends_with("..."));
  auto ok =
      json::parse(
          R"({"status":{"containerStatuses":[{"state":{"terminated":{"exitCode":0,"message":"fine"}}}]}})")
          .as_object();
  EXPECT_EQ(termination_message({&ok}), "");  // a container that succeeded is no failure's reason
}

TEST(JobMeasurement, CompleteRunningAndPastTheTimeout) {
  JobSlo slo;
  slo.timeout = std::chrono::minutes(2);
  auto complete = job_with(R"([{"type":"Complete","status":"True"}])");
  EXPECT_EQ(job_measurement(slo, complete, {}, kStart).result, SloResult::Pass);
  auto criteria = job_with(R"([{"type":"SuccessCriteriaMet","status":"True"}])");
  EXPECT_EQ(job_measurement(slo, criteria, {}, kStart).result, SloResult::Pass);

  auto running = job_with(R"([{"type":"Complete","status":"False"}])");
  const auto started = at("2025-12-01T10:00:00Z");
  auto m = job_measurement(slo, running, {}, started + std::chrono::milliseconds(12400));
  EXPECT_EQ(m.result, SloResult::Inconclusive);
  EXPECT_TRUE(m.pending);
  EXPECT_EQ(m.message, "check job api-smoke-7d9f8c running for 12s");
  auto late = job_measurement(slo, running, {}, started + std::chrono::minutes(2));
  EXPECT_EQ(late.result, SloResult::Fail);
  EXPECT_FALSE(late.pending);
  EXPECT_EQ(late.message, "check job api-smoke-7d9f8c did not finish within 2m");
}

json::object job_created(std::string_view name, std::string_view created, bool deleting = false) {
  json::object metadata{{"name", name}, {"creationTimestamp", created}};
  if (deleting) metadata["deletionTimestamp"] = created;
  return json::object{{"metadata", metadata}};
}

TEST(JobsToPrune, KeepsTheNewestAndTheCurrent) {
  auto a = job_created("a", "2025-12-01T10:00:00Z");
  auto b = job_created("b", "2025-12-01T10:01:00Z");
  auto c = job_created("c", "2025-12-01T10:02:00Z");
  auto d = job_created("d", "2025-12-01T10:03:00Z");
  auto gone = job_created("e", "2025-11-01T10:00:00Z", true);
  EXPECT_EQ(jobs_to_prune({&b, &d, &a, &c, &gone}, 2, "d"), (std::vector<std::string>{"b", "a"}));
  // The current one is older (a revision rolled back to): it stays, besides the newest.
  EXPECT_EQ(jobs_to_prune({&b, &d, &a, &c}, 2, "a"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(jobs_to_prune({&a}, 1, "x"), (std::vector<std::string>{}));
}

}  // namespace
}  // namespace rollguard
