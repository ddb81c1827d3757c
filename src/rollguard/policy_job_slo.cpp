// spec.slos[].job: the check Job's template, its timeout and how many check Jobs are kept. The
// template is checked here as far as rollguard depends on it (a Job the API server refuses would
// only show up as an Inconclusive SLO at rollout time, too late for the person who wrote it).
#include <boost/json/serialize.hpp>

#include "rollguard/job_slo.hpp"
#include "rollguard/spec_reader.hpp"

namespace rollguard::spec {

namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxKeep = 100;

// metadata.labels / annotations: maps of strings, none under rollguard.io/ (those are the
// controller's own, and what it finds its Jobs by).
void check_string_map(const Reader& metadata, std::string_view key) {
  auto* map = metadata.object(key);
  if (!map) return;
  for (auto& kv : *map) {
    const std::string path = metadata.path(key) + "." + std::string(kv.key());
    if (!kv.value().is_string()) metadata.errors().push_back({path, "must be a string"});
    if (kv.key().starts_with(kJobLabelPrefix))
      metadata.errors().push_back({path, "the rollguard.io/ prefix is reserved for the controller's labels"});
  }
}

void check_metadata(const Reader& tmpl) {
  if (!tmpl.has("metadata")) return;
  auto metadata = tmpl.child("metadata");
  if (auto* m = tmpl.object("metadata")) {
    for (auto& kv : *m) {
      if (kv.key() != "labels" && kv.key() != "annotations")
        metadata.error(kv.key(), "only labels and annotations may be set (the controller names the Job)");
    }
  }
  check_string_map(metadata, "labels");
  check_string_map(metadata, "annotations");
}

void check_pod_spec(const Reader& job_spec) {
  auto pod_template = job_spec.child("template");
  if (!job_spec.has("template")) {
    job_spec.error("template", "required (the pod template of the check)");
    return;
  }
  auto pod = pod_template.child("spec");
  if (!pod_template.has("spec")) {
    pod_template.error("spec", "required");
    return;
  }
  if (auto restart = pod.string("restartPolicy"); restart && *restart != "Never" && *restart != "OnFailure")
    pod.error("restartPolicy", "must be Never or OnFailure (a Job's pods finish), got \"" + *restart + "\"");
  auto* containers = pod.array("containers");
  if (!containers) {
    if (!pod.has("containers")) pod.error("containers", "required");
    return;
  }
  if (containers->empty()) pod.error("containers", "must not be empty");
  for (std::size_t i = 0; i < containers->size(); ++i) {
    const auto path = pod.path("containers") + "[" + std::to_string(i) + "]";
    auto* container = (*containers)[i].if_object();
    if (!container) {
      pod.errors().push_back({path, "must be an object"});
      continue;
    }
    Reader c(container, path, pod.errors());
    c.required_string("name");
    c.required_string("image");
  }
}

}  // namespace

JobSlo parse_job(const Reader& r) {
  JobSlo out;
  auto* tmpl_object = r.object("template");
  if (!tmpl_object) {
    if (!r.has("template")) r.error("template", "required (a Job template: metadata and spec)");
  } else {
    auto tmpl = r.child("template");
    check_metadata(tmpl);
    auto job_spec = tmpl.child("spec");
    if (!tmpl.has("spec")) {
      tmpl.error("spec", "required (a batch/v1 JobSpec)");
    } else if (tmpl.object("spec")) {
      for (auto key : {"selector", "manualSelector"}) {
        if (job_spec.has(key))
          job_spec.error(key, "must not be set (the Job controller chooses the selector)");
      }
      if (job_spec.has("activeDeadlineSeconds"))
        job_spec.integer_in("activeDeadlineSeconds", 1, INT32_MAX, 0);
      if (job_spec.has("backoffLimit")) job_spec.integer_in("backoffLimit", 0, INT32_MAX, 0);
      check_pod_spec(job_spec);
    }
    out.template_json = json::serialize(*tmpl_object);
  }
  out.timeout = positive_duration(r, "timeout", out.timeout);
  out.keep = static_cast<int>(r.integer_in("keep", 1, kMaxKeep, out.keep));
  return out;
}

}  // namespace rollguard::spec
