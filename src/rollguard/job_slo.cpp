#include "rollguard/job_slo.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstdint>

#include "kube/object_meta.hpp"
#include "rollguard/duration.hpp"
#include "rollguard/json_access.hpp"

namespace rollguard {

namespace {

namespace json = boost::json;
using lenient::array_at;
using lenient::object_at;
using lenient::string_at;
using lenient::time_at;

constexpr std::size_t kNameHashLength = 10;

std::string short_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (std::size_t i = 0; i < kNameHashLength; ++i, h /= 36) out += kDigits[h % 36];
  return out;
}

// Lowercase alphanumerics and '-', as a DNS label allows; a policy name may hold dots.
std::string dns_label_chars(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
  }
  return out;
}

json::object& object_member(json::object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

bool condition_true(const json::object& job, std::string_view type, std::string* message = nullptr,
                    std::string* reason = nullptr) {
  auto* status = object_at(job, "status");
  auto* conditions = status ? array_at(*status, "conditions") : nullptr;
  if (!conditions) return false;
  for (auto& c : *conditions) {
    auto* co = c.if_object();
    if (!co || string_at(*co, "type") != type || string_at(*co, "status") != "True") continue;
    if (message) *message = string_at(*co, "message");
    if (reason) *reason = string_at(*co, "reason");
    return true;
  }
  return false;
}

std::string one_line(std::string_view text, std::size_t cap) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (!line.empty()) out += (out.empty() ? "" : "; ") + std::string(line);
    start = end + 1;
  }
  if (out.size() > cap) {
    out.resize(cap);
    out.append("...");
  }
  return out;
}

std::string seconds_text(Duration d) {
  return format_duration(std::chrono::duration_cast<std::chrono::seconds>(d));
}

}  // namespace

std::string job_name(std::string_view policy, std::string_view slo, std::string_view pod_template_hash) {
  const std::string full =
      dns_label_chars(std::string(policy) + "-" + std::string(slo) + "-" + std::string(pod_template_hash));
  if (full.size() <= kMaxJobName) return full;
  std::string cut = full.substr(0, kMaxJobName - kNameHashLength - 1);
  while (!cut.empty() && cut.back() == '-') cut.pop_back();
  return cut + "-" + short_hash(full);
}

std::optional<json::object> job_object(const JobSlo& slo, std::string_view slo_name, const Policy& policy,
                                       const EvaluationContext& context, std::string& error) {
  if (policy.name.size() > kMaxJobName) {
    error = "the policy's name is longer than 63 characters: it cannot label its check Jobs";
    return std::nullopt;
  }
  std::error_code ec;
  auto parsed = json::parse(slo.template_json, ec);
  if (ec || !parsed.is_object()) {
    error = "the Job template does not parse";
    return std::nullopt;
  }
  auto& tmpl = parsed.get_object();
  const std::string name = job_name(policy.name, slo_name, context.pod_template_hash);
  const std::string revision = std::to_string(context.revision);
  const json::object ours{{kPolicyLabel, policy.name},
                          {kSloLabel, slo_name},
                          {kRevisionLabel, revision},
                          {kJobPodTemplateHashLabel, context.pod_template_hash},
                          {kDeploymentLabel, policy.target_name}};

  json::object job;
  job["apiVersion"] = "batch/v1";
  job["kind"] = "Job";
  auto& metadata = object_member(job, "metadata");
  if (auto* m = object_at(tmpl, "metadata")) metadata = *m;
  metadata["name"] = name;
  metadata["namespace"] = policy.ns;
  auto& labels = object_member(metadata, "labels");
  for (auto& kv : ours) labels[kv.key()] = kv.value();
  // controller: true, as a CronJob marks its Jobs: the policy is the one controller of its check
  // Jobs, and deleting the policy lets the garbage collector delete them (and, Background, their
  // pods). No blockOwnerDeletion: it would need update on rollbackpolicies/finalizers, and nothing
  // is gained by holding the policy's deletion for its checks.
  metadata["ownerReferences"] = json::array{json::object{{"apiVersion", "rollguard.io/v1alpha1"},
                                                         {"kind", "RollbackPolicy"},
                                                         {"name", policy.name},
                                                         {"uid", policy.uid},
                                                         {"controller", true}}};

  auto& spec = object_member(job, "spec");
  if (auto* s = object_at(tmpl, "spec")) spec = *s;
  if (!spec.contains("backoffLimit")) spec["backoffLimit"] = 0;
  if (!spec.contains("activeDeadlineSeconds"))
    spec["activeDeadlineSeconds"] =
        std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(slo.timeout).count());
  auto& pod_template = object_member(spec, "template");
  auto& pod_labels = object_member(object_member(pod_template, "metadata"), "labels");
  for (auto& kv : ours) pod_labels[kv.key()] = kv.value();
  auto& pod_spec = object_member(pod_template, "spec");
  if (!pod_spec.contains("restartPolicy")) pod_spec["restartPolicy"] = "Never";
  const std::pair<const char*, std::string> env[] = {
      {"ROLLGUARD_NAMESPACE", context.ns},
      {"ROLLGUARD_POLICY", policy.name},
      {"ROLLGUARD_DEPLOYMENT", context.deployment},
      {"ROLLGUARD_REVISION", revision},
      {"ROLLGUARD_POD_TEMPLATE_HASH", context.pod_template_hash}};
  if (auto* containers = pod_spec.if_contains("containers"); containers && containers->is_array()) {
    for (auto& c : containers->get_array()) {
      if (!c.is_object()) continue;
      auto& list = c.get_object()["env"];
      if (!list.is_array()) list = json::array();
      auto& vars = list.get_array();
      for (auto& [var, value] : env) {
        const bool set = std::any_of(vars.begin(), vars.end(), [&](const json::value& v) {
          return v.is_object() && string_at(v.get_object(), "name") == var;
        });
        if (!set) vars.push_back(json::object{{"name", var}, {"value", value}});
      }
    }
  }
  return job;
}

std::string termination_message(const std::vector<const json::object*>& pods) {
  std::string best;
  std::optional<SystemTime> best_at;
  for (auto* pod : pods) {
    auto* status = object_at(*pod, "status");
    auto* containers = status ? array_at(*status, "containerStatuses") : nullptr;
    if (!containers) continue;
    for (auto& c : *containers) {
      auto* co = c.if_object();
      auto* state = co ? object_at(*co, "state") : nullptr;
      auto* terminated = state ? object_at(*state, "terminated") : nullptr;
      if (!terminated || lenient::int_at(*terminated, "exitCode") == 0) continue;
      auto message = string_at(*terminated, "message");
      if (message.empty()) continue;
      auto at = time_at(*terminated, "finishedAt");
      if (best.empty() || (at && (!best_at || *at > *best_at))) {
        best = std::move(message);
        best_at = at;
      }
    }
  }
  return one_line(best, kMaxTerminationMessage);
}

Measurement job_measurement(const JobSlo& slo, const json::object& job,
                            const std::vector<const json::object*>& pods, SystemTime now) {
  Measurement m;
  m.threshold = "Job Complete";
  const std::string name = "check job " + std::string(kube::meta::name(job));
  std::string message, reason;
  if (condition_true(job, "Failed", &message, &reason) ||
      condition_true(job, "FailureTarget", &message, &reason)) {
    m.result = SloResult::Fail;
    m.value = "Failed";
    m.numeric = 0;
    auto pod_message = termination_message(pods);
    m.message = name + " failed" + (reason.empty() ? "" : " (" + reason + ")") + ": " +
                (pod_message.empty() ? one_line(message, kMaxTerminationMessage) : pod_message);
    return m;
  }
  if (condition_true(job, "Complete") || condition_true(job, "SuccessCriteriaMet")) {
    m.result = SloResult::Pass;
    m.value = "Complete";
    m.numeric = 1;
    return m;
  }
  auto* status = object_at(job, "status");
  auto started = status ? time_at(*status, "startTime") : std::nullopt;
  if (!started && kube::meta::metadata(job))
    started = time_at(*kube::meta::metadata(job), "creationTimestamp");
  const auto running =
      started ? std::max(Duration{0}, std::chrono::duration_cast<Duration>(now - *started)) : Duration{0};
  if (running >= slo.timeout) {
    m.result = SloResult::Fail;
    m.value = "timed out";
    m.numeric = 0;
    m.message = name + " did not finish within " + format_duration(slo.timeout);
    return m;
  }
  m.result = SloResult::Inconclusive;
  m.pending = true;
  m.value = "running";
  m.message = name + " running for " + seconds_text(running);
  return m;
}

std::vector<std::string> jobs_to_prune(const std::vector<const json::object*>& jobs, int keep,
                                       std::string_view current) {
  struct Entry {
    SystemTime created;
    std::string name;
  };
  std::vector<Entry> live;
  for (auto* job : jobs) {
    if (kube::meta::is_being_deleted(*job)) continue;
    auto* metadata = kube::meta::metadata(*job);
    live.push_back({metadata ? time_at(*metadata, "creationTimestamp").value_or(SystemTime{}) : SystemTime{},
                    std::string(kube::meta::name(*job))});
  }
  std::sort(live.begin(), live.end(), [](const Entry& a, const Entry& b) {
    return a.created != b.created ? a.created > b.created : a.name > b.name;
  });
  std::vector<std::string> out;
  int kept = 0;
  for (auto& e : live) {
    if (e.name == current || kept < keep) {
      ++kept;
      continue;
    }
    out.push_back(e.name);
  }
  return out;
}

}  // namespace rollguard
