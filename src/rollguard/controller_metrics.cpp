#include "rollguard/controller_metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

namespace rollguard {

namespace {

// Detection is expected within seconds to minutes, recovery within minutes (the runbook's targets are
// 2 and 15 minutes); a manual rollback may come hours after the deployment. Status times are whole
// seconds, so nothing finer than 1 s.
constexpr std::array<double, 17> kDurationBuckets = {1,   2,   5,    10,   20,   30,    60,    120,  300,
                                                     600, 900, 1800, 3600, 7200, 14400, 28800, 86400};

double seconds_between(SystemTime from, SystemTime to) {
  return std::chrono::duration<double>(to - from).count();
}

constexpr std::array<FailureReason, 3> kFailureReasons = {FailureReason::Rollback, FailureReason::Manual,
                                                          FailureReason::Blocked};

constexpr std::size_t failure_index(FailureReason reason) {
  return static_cast<std::size_t>(std::find(kFailureReasons.begin(), kFailureReasons.end(), reason) -
                                  kFailureReasons.begin());
}

struct Histogram {
  std::array<std::uint64_t, kDurationBuckets.size()> cumulative{};  // observations <= each bound
  std::uint64_t count = 0;
  double sum = 0;

  void observe(double value) {
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
      if (value <= kDurationBuckets[i]) ++cumulative[i];
    }
    ++count;
    sum += value;
  }
};

enum HistogramKind : std::size_t { kFirstFailure, kDetect, kRecover, kDeploymentRecovery, kHistogramKinds };

// The text format's number: shortest round-trip form, NaN and ±Inf spelled as Prometheus parses them.
void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc{} ? end : buffer);
  }
}

void append_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;  // constant text: nothing to escape
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

struct ControllerMetrics::PolicySeries {
  struct Slo {
    std::string name;
    std::optional<double> value;
    std::optional<SloResult> result;
  };
  std::vector<std::pair<std::string, double>> rollbacks;  // by reason, in the order first seen
  std::optional<double> failures;
  std::optional<double> dry_runs;
  // The DORA counters exist at 0 from the policy's first phase (see phase()).
  bool dora = false;
  double deployments = 0;
  std::array<double, kFailureReasons.size()> failed_deployments{};
  std::array<std::unique_ptr<Histogram>, kHistogramKinds> histograms;
  std::vector<Slo> slos;  // in the order first measured
  std::string phase;      // "" until the first phase()

  Slo& slo(const std::string& name) {
    for (auto& s : slos) {
      if (s.name == name) return s;
    }
    return slos.emplace_back(Slo{name, std::nullopt, std::nullopt});
  }
  void observe(HistogramKind kind, double seconds) {
    auto& histogram = histograms[kind];
    if (!histogram) histogram = std::make_unique<Histogram>();
    histogram->observe(seconds);
  }
};

ControllerMetrics::ControllerMetrics(prometheus::Registry& registry)
    : measurements_(prometheus::BuildCounter()
                        .Name("rollguard_measurements_total")
                        .Help("SLO measurements taken, by SLO kind and result (Inconclusive: could not "
                              "measure or no data)")
                        .Register(registry)) {}

ControllerMetrics::~ControllerMetrics() = default;

const std::string& ControllerMetrics::key(const std::string& ns, const std::string& policy) {
  // Several calls per reconcile: the key is built in a kept buffer (the lock is held), and a copy of
  // it is made only for a policy seen for the first time.
  return key_.assign(ns).append(1, '/').append(policy);
}

ControllerMetrics::PolicySeries& ControllerMetrics::series(const std::string& ns, const std::string& policy) {
  auto it = policies_.find(key(ns, policy));
  if (it == policies_.end()) it = policies_.emplace(key_, std::make_unique<PolicySeries>()).first;
  return *it->second;
}

void ControllerMetrics::rollback(const std::string& ns, const std::string& policy,
                                 const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto& rollbacks = series(ns, policy).rollbacks;
  auto it = std::find_if(rollbacks.begin(), rollbacks.end(), [&](auto& r) { return r.first == reason; });
  if (it == rollbacks.end()) it = rollbacks.insert(rollbacks.end(), {reason, 0.0});
  it->second += 1;
}

void ControllerMetrics::rollback_failed(const std::string& ns, const std::string& policy) {
  std::lock_guard lock(mutex_);
  auto& failures = series(ns, policy).failures;
  failures = failures.value_or(0) + 1;
}

void ControllerMetrics::dry_run_rollback(const std::string& ns, const std::string& policy) {
  std::lock_guard lock(mutex_);
  auto& dry_runs = series(ns, policy).dry_runs;
  dry_runs = dry_runs.value_or(0) + 1;
}

void ControllerMetrics::dora(const std::string& ns, const std::string& policy, const DoraFigures& figures) {
  std::lock_guard lock(mutex_);
  auto& s = series(ns, policy);
  s.dora = true;
  s.deployments += static_cast<double>(figures.deployments.size());
  for (auto& failed : figures.failed) {
    if (auto i = failure_index(failed.reason); i < kFailureReasons.size()) s.failed_deployments[i] += 1;
    if (failed.reason == FailureReason::Blocked) continue;  // held on sight: nothing was detected
    if (failed.first_failure_at) {
      s.observe(kFirstFailure, seconds_between(failed.deployed_at, *failed.first_failure_at));
    }
    s.observe(kDetect, seconds_between(failed.deployed_at, failed.decided_at));
  }
  if (auto& recovery = figures.recovery) {
    s.observe(kRecover, seconds_between(recovery->decided_at, recovery->recovered_at));
    if (recovery->deployed_at) {
      s.observe(kDeploymentRecovery, seconds_between(*recovery->deployed_at, recovery->recovered_at));
    }
  }
}

void ControllerMetrics::measurement(const std::string& ns, const std::string& policy, const Measurement& m) {
  std::lock_guard lock(mutex_);
  auto& slo = series(ns, policy).slo(m.slo);
  if (m.numeric) slo.value = *m.numeric;
  slo.result = m.result;
}

void ControllerMetrics::phase(const std::string& ns, const std::string& policy, const std::string& phase) {
  std::lock_guard lock(mutex_);
  auto& s = series(ns, policy);
  // Every reconcile sets the phase, so the policy's DORA counters exist at 0 from its first one: a
  // counter that appears at 1 is no increase() to Prometheus, and the first deployment would be lost.
  s.dora = true;
  s.phase = phase;
}

void ControllerMetrics::measured(const std::string& kind, SloResult result) {
  std::lock_guard lock(mutex_);
  // Add() builds and hashes the label set under the family's lock: once per evaluation of every
  // policy was a visible share of the steady CPU, so the few (kind, result) counters are kept.
  auto& counter = measured_[{kind, result}];
  if (!counter) counter = &measurements_.Add({{"kind", kind}, {"result", to_string(result)}});
  counter->Increment();
}

void ControllerMetrics::forget(const std::string& ns, const std::string& policy) {
  std::lock_guard lock(mutex_);
  policies_.erase(key(ns, policy));
}

namespace {

using Label = std::pair<std::string_view, std::string_view>;

void append_labels(std::string& out, std::span<const Label> labels) {
  bool first = true;
  for (auto& [name, value] : labels) {
    out += first ? "" : ",";
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
  }
}

// One series line: name{labels} value, with namespace, policy and the extra labels in name order and a
// histogram's le last, as prometheus-cpp wrote them (tests, docs and dashboards match whole lines).
struct SeriesWriter {
  std::string& out;
  std::string_view ns;
  std::string_view policy;

  void line(std::string_view name, std::initializer_list<Label> extra, double value,
            std::optional<Label> trailing = std::nullopt) {
    std::array<Label, 6> labels;
    std::size_t n = 0;
    labels[n++] = {"namespace", ns};
    labels[n++] = {"policy", policy};
    for (auto& label : extra) labels[n++] = label;
    std::sort(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
    if (trailing) labels[n++] = *trailing;
    out += name;
    out += '{';
    append_labels(out, std::span<const Label>(labels.data(), n));
    out += "} ";
    append_number(out, value);
    out += '\n';
  }
};

struct FamilyInfo {
  std::string_view name;
  std::string_view help;
};

constexpr std::array<FamilyInfo, kHistogramKinds> kHistogramFamilies = {{
    {"rollguard_time_to_first_failure_seconds", "From a failed deployment to its first failing evaluation"},
    {"rollguard_time_to_detect_seconds", "From a failed deployment to the decision to roll it back"},
    {"rollguard_time_to_recover_seconds",
     "From the rollback decision to the rolled-back revision being fully available"},
    {"rollguard_failed_deployment_recovery_seconds",
     "From a failed deployment to recovered (the rolled-back revision fully available)"},
}};

}  // namespace

void ControllerMetrics::append_text(std::string& out) const {
  std::lock_guard lock(mutex_);
  struct Entry {
    std::string_view ns;
    std::string_view policy;
    const PolicySeries* series;
  };
  std::vector<Entry> entries;
  entries.reserve(policies_.size());
  for (auto& [key, series] : policies_) {
    const std::string_view k = key;
    const auto slash = k.find('/');  // namespaces have no '/'; a group member's policy label does
    entries.push_back({k.substr(0, slash), k.substr(slash + 1), series.get()});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.ns, a.policy) < std::tie(b.ns, b.policy);
  });
  // About 90 bytes per series and 7 series per policy in the steady state.
  out.reserve(out.size() + 4096 + entries.size() * 700);
  auto each = [&](auto&& write) {
    for (auto& e : entries) write(SeriesWriter{out, e.ns, e.policy}, *e.series);
  };

  append_family_header(out, "rollguard_rollbacks_total", "Rollback patches that landed, by reason",
                       "counter");
  each([](SeriesWriter w, const PolicySeries& s) {
    for (auto& [reason, count] : s.rollbacks)
      w.line("rollguard_rollbacks_total", {{"reason", reason}}, count);
  });
  append_family_header(out, "rollguard_rollback_failures_total", "Rollback patches the API server refused",
                       "counter");
  each([](SeriesWriter w, const PolicySeries& s) {
    if (s.failures) w.line("rollguard_rollback_failures_total", {}, *s.failures);
  });
  append_family_header(out, "rollguard_dry_run_rollbacks_total",
                       "Rollbacks decided but not made (rollback.mode DryRun)", "counter");
  each([](SeriesWriter w, const PolicySeries& s) {
    if (s.dry_runs) w.line("rollguard_dry_run_rollbacks_total", {}, *s.dry_runs);
  });
  append_family_header(
      out, "rollguard_deployments_total",
      "Deployments observed: new revisions rolled out by people (not rollguard's rollbacks, not "
      "the last known good coming back)",
      "counter");
  each([](SeriesWriter w, const PolicySeries& s) {
    if (s.dora) w.line("rollguard_deployments_total", {}, s.deployments);
  });
  append_family_header(
      out, "rollguard_failed_deployments_total",
      "Deployments that needed immediate intervention, by reason (rollback, manual, blocked)", "counter");
  each([](SeriesWriter w, const PolicySeries& s) {
    if (!s.dora) return;
    for (std::size_t i = 0; i < kFailureReasons.size(); ++i) {
      w.line("rollguard_failed_deployments_total", {{"reason", to_string(kFailureReasons[i])}},
             s.failed_deployments[i]);
    }
  });
  for (std::size_t kind = 0; kind < kHistogramKinds; ++kind) {
    const auto& family = kHistogramFamilies[kind];
    append_family_header(out, family.name, family.help, "histogram");
    const std::string bucket = std::string(family.name) + "_bucket";
    const std::string sum = std::string(family.name) + "_sum";
    const std::string count = std::string(family.name) + "_count";
    each([&](SeriesWriter w, const PolicySeries& s) {
      const auto* histogram = s.histograms[kind].get();
      if (!histogram) return;
      w.line(count, {}, static_cast<double>(histogram->count));
      w.line(sum, {}, histogram->sum);
      std::string le;
      for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
        le.clear();
        append_number(le, kDurationBuckets[i]);
        w.line(bucket, {}, static_cast<double>(histogram->cumulative[i]), Label{"le", le});
      }
      w.line(bucket, {}, static_cast<double>(histogram->count), Label{"le", "+Inf"});
    });
  }
  append_family_header(out, "rollguard_slo_value", "Last measured value of an SLO (when it has a number)",
                       "gauge");
  each([](SeriesWriter w, const PolicySeries& s) {
    for (auto& slo : s.slos) {
      if (slo.value) w.line("rollguard_slo_value", {{"slo", slo.name}}, *slo.value);
    }
  });
  append_family_header(out, "rollguard_slo_status",
                       "1, labelled with the SLO's last result (Pass, Fail, Inconclusive)", "gauge");
  each([](SeriesWriter w, const PolicySeries& s) {
    for (auto& slo : s.slos) {
      if (slo.result)
        w.line("rollguard_slo_status", {{"result", to_string(*slo.result)}, {"slo", slo.name}}, 1);
    }
  });
  append_family_header(out, "rollguard_policy_phase", "1, labelled with the policy's current phase", "gauge");
  each([](SeriesWriter w, const PolicySeries& s) {
    if (!s.phase.empty()) w.line("rollguard_policy_phase", {{"phase", s.phase}}, 1);
  });
}

}  // namespace rollguard
