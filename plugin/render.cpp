#include "render.hpp"

#include <algorithm>

#include "rollguard/json_access.hpp"
#include "text.hpp"

namespace rollguard::plugin {

namespace {

std::string arrow(std::int64_t from, std::int64_t to) { return revision(from) + " → " + revision(to); }

std::string revisions_of(std::int64_t from, std::int64_t to) {
  if (from > 0 && to > 0 && from != to) return arrow(from, to);
  return revision(to > 0 ? to : from);
}

std::string span(SystemTime from, SystemTime to) {
  return human_duration(std::chrono::duration_cast<std::chrono::milliseconds>(to - from));
}

// "label:" padded so the values of a block line up.
std::string field(std::string_view label, const std::string& value) {
  std::string line(label);
  line += ':';
  line.append(line.size() < 18 ? 18 - line.size() : 1, ' ');
  return line + value + "\n";
}

std::string failing_cell(const PolicyStatus& status) {
  std::string cell;
  for (const auto& slo : failing_slos(status)) cell += (cell.empty() ? "" : ", ") + breach(slo);
  return or_dash(cell);
}

std::string phase_cell(const PolicyView& policy) {
  std::string phase = to_string(policy.status.phase);
  if (policy.status.phase == Phase::Pending && policy.status.observed_generation == 0 &&
      policy.status.conditions.empty())
    phase += " (no status yet)";
  return phase;
}

// status shows when each SLO was evaluated as an age; why, which is about that evaluation, as the
// time itself and since when the result has been what it is.
enum class SloTimes { Age, Absolute };

std::string slo_table(const std::vector<SloStatus>& slos, SystemTime now, std::string_view indent,
                      SloTimes times) {
  if (slos.empty()) return std::string(indent) + "(none measured yet)\n";
  auto ago = [&](SystemTime t) { return t == SystemTime{} ? std::string("-") : age(t, now) + " ago"; };
  std::vector<Row> rows;
  for (const auto& slo : slos) {
    Row row = {slo.name, to_string(slo.result), or_dash(slo.value), or_dash(slo.threshold)};
    if (times == SloTimes::Age) {
      row.push_back(ago(slo.last_evaluation_time));
    } else {
      row.push_back(utc_time(slo.last_evaluation_time) + (slo.last_evaluation_time == SystemTime{}
                                                              ? ""
                                                              : " (" + ago(slo.last_evaluation_time) + ")"));
      row.push_back(slo.last_transition_time == SystemTime{} ? "-" : age(slo.last_transition_time, now));
    }
    row.push_back(or_dash(slo.message));
    rows.push_back(std::move(row));
  }
  if (times == SloTimes::Age)
    return render_table({"NAME", "RESULT", "VALUE", "THRESHOLD", "EVALUATED", "MESSAGE"}, rows, indent);
  return render_table({"NAME", "RESULT", "VALUE", "THRESHOLD", "EVALUATED", "FOR", "MESSAGE"}, rows, indent);
}

std::string condition_table(const std::vector<kube::Condition>& conditions, SystemTime now,
                            std::string_view indent) {
  if (conditions.empty()) return std::string(indent) + "(none)\n";
  std::vector<Row> rows;
  for (const auto& c : conditions) {
    rows.push_back({c.type, kube::to_string(c.status), or_dash(c.reason), age(c.last_transition_time, now),
                    or_dash(c.message)});
  }
  return render_table({"TYPE", "STATUS", "REASON", "AGE", "MESSAGE"}, rows, indent);
}

std::string last_rollback_block(const std::optional<RollbackRecord>& rollback, SystemTime now) {
  if (!rollback) return "  (none)\n";
  const auto& r = *rollback;
  std::string out = "  " + arrow(r.from_revision, r.to_revision) + "  " + or_dash(r.reason);
  if (!r.request_id.empty()) out += "  request " + r.request_id;
  out += "\n";
  if (!r.message.empty()) out += "  " + r.message + "\n";
  out += "  detected " + utc_time(r.detected_at) + ", started " + utc_time(r.started_at) + ", completed " +
         (r.completed_at ? utc_time(r.completed_at) + " (" + age(r.completed_at, now) + " ago)" : "not yet") +
         "\n";
  for (const auto& m : r.measurements)
    out += "  caused by " + breach(m) + (m.message.empty() ? "" : ": " + m.message) + "\n";
  return out;
}

std::string stale_note(const PolicyView& policy) {
  if (!status_is_stale(policy)) return "";
  return "Note: status describes generation " + std::to_string(policy.status.observed_generation) +
         ", the spec is at generation " + std::to_string(policy.generation) +
         ": the controller has not acted on the latest change yet (is it running?)\n";
}

std::string header_block(const PolicyView& policy, SystemTime now) {
  const auto& s = policy.status;
  const auto since = phase_since(s);
  std::string out;
  out += field("Name", policy.name);
  out += field("Namespace", policy.ns);
  out += field("Target", "Deployment/" + or_dash(policy.target));
  out += field("Phase", phase_cell(policy) +
                            (since ? " for " + age(since, now) + " (since " + utc_time(since) + ")" : ""));
  out += field("Message", or_dash(s.message));
  std::string current = revision(s.current_revision);
  if (!s.current_pod_template_hash.empty())
    current += " (pod-template-hash " + s.current_pod_template_hash + ")";
  out += field("Revision", current);
  std::string good = revision(s.last_known_good_revision);
  if (!s.last_known_good_pod_template_hash.empty())
    good += " (pod-template-hash " + s.last_known_good_pod_template_hash + ")";
  out += field("Last good", good);
  out += field("Paused", yes_no(policy.paused));
  if (!policy.spec_valid) out += field("Spec", "invalid (see the Ready condition)");
  return out;
}

}  // namespace

std::string render_status_table(const std::vector<PolicyView>& policies, bool all_namespaces,
                                SystemTime now) {
  Row header = {"NAME", "TARGET", "PHASE", "REVISION", "LAST-GOOD", "FAILING SLO", "AGE"};
  if (all_namespaces) header.insert(header.begin(), "NAMESPACE");
  std::vector<Row> rows;
  for (const auto& group : policies) {
    // A grouped policy: a row per target.
    std::vector<PolicyView> members;
    for (const auto& t : group.targets) members.push_back(member_view(group, t));
    if (members.empty()) members.push_back(group);
    for (const auto& p : members) {
      Row row = {p.name,
                 or_dash(p.target),
                 phase_cell(p),
                 revision(p.status.current_revision),
                 revision(p.status.last_known_good_revision),
                 failing_cell(p.status),
                 age(phase_since(p.status), now)};
      if (all_namespaces) row.insert(row.begin(), p.ns);
      rows.push_back(std::move(row));
    }
  }
  return render_table(header, rows);
}

std::string render_status_detail(const PolicyView& policy, SystemTime now) {
  if (policy.grouped) {
    std::string out = header_block(policy, now);
    out += field("Failing SLO", failing_cell(policy.status));
    out += stale_note(policy);
    out += "Conditions:\n" + condition_table(policy.status.conditions, now, "  ");
    for (const auto& t : policy.targets) {
      PolicyView member = member_view(policy, t);
      member.grouped = false;
      out += "\nTarget " + t.name + ":\n";
      std::string detail = render_status_detail(member, now);
      for (std::size_t start = 0; start < detail.size();) {
        auto end = detail.find('\n', start);
        if (end == std::string::npos) end = detail.size();
        out += "  " + detail.substr(start, end - start) + "\n";
        start = end + 1;
      }
    }
    return out;
  }
  const auto& s = policy.status;
  std::string out = header_block(policy, now);
  out += field("Failing SLO", failing_cell(s));
  if (s.pending_rollback)
    out += field("Rolling back", arrow(s.pending_rollback->from_revision, s.pending_rollback->to_revision) +
                                     " since " + utc_time(s.pending_rollback->started_at));
  if (s.hold)
    out += field("Held", "revision " + revision(s.hold->revision) + " (rejected as " +
                             revision(s.hold->rejected_revision) + ") since " + utc_time(s.hold->since) +
                             ": " + or_dash(s.hold->reason));
  out += stale_note(policy);
  out += "Conditions:\n" + condition_table(s.conditions, now, "  ");
  out += "SLOs:\n" + slo_table(s.slos, now, "  ", SloTimes::Age);
  out += "Last rollback:\n" + last_rollback_block(s.last_rollback, now);
  return out;
}

std::vector<TimelineEntry> timeline_of(const PolicyStatus& status) {
  std::vector<TimelineEntry> entries;
  for (const auto& h : status.history)
    entries.push_back({h.time, h.type, h.from_revision, h.to_revision, h.message});
  if (const auto& r = status.last_rollback) {
    auto add_unless_recorded = [&](const std::optional<SystemTime>& time, const char* step,
                                   std::string message) {
      if (!time) return;
      const bool recorded = std::any_of(entries.begin(), entries.end(), [&](const TimelineEntry& e) {
        return e.step == step && e.time == *time;
      });
      if (!recorded) entries.push_back({*time, step, r->from_revision, r->to_revision, std::move(message)});
    };
    // A manual rollback records its request time as detection: only a real detection is a step.
    if (r->detected_at && r->detected_at != r->started_at) {
      std::string causes;
      for (const auto& m : r->measurements) causes += (causes.empty() ? "" : ", ") + breach(m);
      add_unless_recorded(r->detected_at, "BreachDetected",
                          "first failing evaluation" + (causes.empty() ? std::string() : ": " + causes));
    }
    add_unless_recorded(r->started_at, "RollbackStarted", r->message);
    add_unless_recorded(r->completed_at, "RollbackCompleted", r->message);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.time < b.time; });
  return entries;
}

std::string render_timeline(const PolicyView& policy, SystemTime now) {
  if (policy.grouped) {
    std::string out;
    for (const auto& t : policy.targets)
      out += (out.empty() ? "" : "\n") + render_timeline(member_view(policy, t), now);
    return out.empty() ? "Timeline of rollbackpolicy " + policy.name + ": no target has history yet\n" : out;
  }
  const auto entries = timeline_of(policy.status);
  std::string out = "Timeline of rollbackpolicy " + policy.name + " (namespace " + policy.ns +
                    ", Deployment " + or_dash(policy.target) + "), times in UTC:\n";
  if (entries.empty()) return out + "  (no history recorded yet)\n";
  std::vector<Row> rows;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string since_previous = i == 0 ? "-" : "+" + span(entries[i - 1].time, e.time);
    rows.push_back({utc_time(e.time), since_previous, e.step, revisions_of(e.from_revision, e.to_revision),
                    or_dash(e.message)});
  }
  out += render_table({"TIME", "AFTER", "STEP", "REVISION", "MESSAGE"}, rows, "  ");
  if (const auto& r = policy.status.last_rollback) {
    out += "Last rollback " + arrow(r->from_revision, r->to_revision) + " (" + or_dash(r->reason) + "):";
    if (r->detected_at && r->started_at && r->detected_at != r->started_at)
      out += " detected → started " + span(*r->detected_at, *r->started_at) + ",";
    if (r->started_at && r->completed_at)
      out += " started → completed " + span(*r->started_at, *r->completed_at);
    else if (r->started_at)
      out += " started " + age(r->started_at, now) + " ago, not completed yet";
    if (r->detected_at && r->completed_at && r->detected_at != r->started_at)
      out += ", detected → completed " + span(*r->detected_at, *r->completed_at);
    out += "\n";
  }
  return out;
}

std::string render_why(const PolicyView& policy, SystemTime now) {
  const auto& s = policy.status;
  const auto since = phase_since(s);
  std::string out = "Rollbackpolicy " + policy.name + " (namespace " + policy.ns + ") guards Deployment " +
                    or_dash(policy.target) + ".\n";
  out += field("Decision",
               phase_cell(policy) + (since ? " for " + age(since, now) : "") + ": " + or_dash(s.message));
  out += field("Revision",
               revision(s.current_revision) + ", last known good " + revision(s.last_known_good_revision));
  std::string counters = "consecutive failures " + std::to_string(s.consecutive_failures) + " of " +
                         std::to_string(policy.failure_threshold) + " (failureThreshold), inconclusive " +
                         std::to_string(s.consecutive_inconclusive) + " of " +
                         std::to_string(policy.inconclusive_threshold) + " (inconclusiveThreshold";
  counters += policy.inconclusive_threshold == 0 ? ": inconclusive never counts as failing)" : ")";
  out += field("Counters", counters);
  out +=
      field("Failing since",
            s.failing_since ? utc_time(s.failing_since) + " (" + age(s.failing_since, now) + " ago)" : "-");
  out += field("Failing SLO", failing_cell(s));
  if (s.verifying_since) out += field("Verifying since", utc_time(s.verifying_since));
  if (s.healthy_since) out += field("Healthy since", utc_time(s.healthy_since));
  if (policy.paused) out += field("Paused", "yes: measuring and reporting only, no rollback");
  if (s.pending_rollback)
    out += field("Rolling back", arrow(s.pending_rollback->from_revision, s.pending_rollback->to_revision) +
                                     " (" + or_dash(s.pending_rollback->reason) + ") since " +
                                     utc_time(s.pending_rollback->started_at));
  if (s.last_dry_run)
    out += field("Last dry run", arrow(s.last_dry_run->from_revision, s.last_dry_run->to_revision) + " at " +
                                     utc_time(s.last_dry_run->at) + ": " + or_dash(s.last_dry_run->message));
  out += stale_note(policy);
  out += "Measurements (the last evaluation):\n" + slo_table(s.slos, now, "  ", SloTimes::Absolute);
  out += "Conditions:\n" + condition_table(s.conditions, now, "  ");
  out += "Last rollback:\n" + last_rollback_block(s.last_rollback, now);
  return out;
}

RolloutState deployment_rollout(const boost::json::object& deployment) {
  using lenient::int_at;
  using lenient::object_at;
  static const boost::json::object kNone;
  const auto* metadata = object_at(deployment, "metadata");
  const auto* spec = object_at(deployment, "spec");
  const auto* status = object_at(deployment, "status");
  const auto& m = metadata ? *metadata : kNone;
  const auto& st = status ? *status : kNone;
  std::int64_t revision_number = 0;
  if (const auto* annotations = object_at(m, "annotations"))
    revision_number = int_at(*annotations, "deployment.kubernetes.io/revision");
  const std::int64_t wanted = spec ? int_at(*spec, "replicas", 1) : 1;
  const std::int64_t updated = int_at(st, "updatedReplicas");
  const std::int64_t available = int_at(st, "availableReplicas");
  const std::int64_t total = int_at(st, "replicas");
  const bool observed = int_at(st, "observedGeneration") >= int_at(m, "generation");
  const std::string of = " of " + std::to_string(wanted);
  std::string line = "revision " + revision(revision_number) + ", ";
  if (observed && updated >= wanted && available >= wanted && total <= wanted)
    return {line + std::to_string(wanted) + of + " replicas updated and available", true};
  line += "rolling out: " + std::to_string(updated) + of + " updated, " + std::to_string(available) + of +
          " available";
  if (total > wanted) line += ", " + std::to_string(total - wanted) + " old replicas terminating";
  return {line, false};
}

}  // namespace rollguard::plugin
