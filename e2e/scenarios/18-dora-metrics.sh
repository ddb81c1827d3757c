#!/usr/bin/env bash
# Scenario 18: the DORA figures on the controller's /metrics match what happened. v1 runs when the
# policy arrives (not a deployment of this policy's), a good v2 becomes last known good, a bad v3
# (30 % errors) is rolled back to v2's template: 2 deployments, 1 failed deployment (reason
# rollback), one observation in each histogram, with values equal to the policy's own status
# timeline and consistent with the timeline this script watched. The same figures through
# Prometheus (it scrapes the controller too): the documented change-fail-rate PromQL gives 1/2.
#   usage: e2e/scenarios/18-dora-metrics.sh [BIN_DIR]     (KUBECONFIG set: a real cluster, see e2e/lib/harness.sh)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init dora-metrics "$@"
harness_start
start_controller
[[ ${RG_CONTROLLER:-} == installed ]] && skip "reads the /metrics of the controller this script starts"

# Prometheus scrapes the controller as well (config reloaded on SIGHUP), from before any deployment.
if ! real_cluster; then
  controller_target=${RG_METRICS_URL#http://}
  cat >>"$rg_work/prometheus.yml" <<YAML
- job_name: rollguard
  static_configs: [{targets: ["${controller_target%/metrics}"]}]
  honor_labels: true
YAML
  kill -HUP "$RG_PROM_PID"
fi

# sample NAME LABELS: one series' value on /metrics ('' when absent).
sample() { metric_value "$RG_METRICS_URL" "$1{$2}"; }
policy_labels="namespace=\"$RG_NS\",policy=\"web\""

start_with_good_v1 web web "$(slo_error_rate 0.05)"
check "before any deployment: rollguard_deployments_total 0 (v1 ran before the policy)" \
  equals "$(sample rollguard_deployments_total "$policy_labels")" 0
check "rollguard_failed_deployments_total{reason=\"rollback\"} exists at 0" \
  equals "$(sample rollguard_failed_deployments_total "$policy_labels,reason=\"rollback\"")" 0

v2_applied=$(date +%s.%3N)
deploy web v2 --load-rps 20
RG_WAIT_NOTE="phase_of web" wait_last_known_good web 2
check "after good v2: rollguard_deployments_total 1, no failed deployment" \
  equals "$(sample rollguard_deployments_total "$policy_labels") $(sample rollguard_failed_deployments_total "$policy_labels,reason=\"rollback\"")" "1 0"

expect_rollback web web v3 --error-ratio 0.3
v3_applied=$RG_APPLIED
# Recovered: the restored template's rollout complete (status.lastRollback.recoveredAt).
must_wait "lastRollback.recoveredAt" 60 bash -c "[[ -n \$(kubectl --kubeconfig '$KUBECONFIG_FILE' --cache-dir '$rg_work/kubectl-cache' -n '$RG_NS' get rbp/web -o 'jsonpath={.status.lastRollback.recoveredAt}') ]]"
eventually 10 "rollguard_failed_deployment_recovery_seconds observed" '^1$' \
  sample rollguard_failed_deployment_recovery_seconds_count "$policy_labels"
# A few more intervals: nothing counted twice.
sleep 3

check "rollguard_deployments_total 2 (v2, v3; not the rollback's revision 4)" \
  equals "$(sample rollguard_deployments_total "$policy_labels")" 2
check "rollguard_failed_deployments_total{reason=\"rollback\"} 1" \
  equals "$(sample rollguard_failed_deployments_total "$policy_labels,reason=\"rollback\"")" 1
check "no manual or blocked failures" \
  equals "$(sample rollguard_failed_deployments_total "$policy_labels,reason=\"manual\"") $(sample rollguard_failed_deployments_total "$policy_labels,reason=\"blocked\"")" "0 0"
for h in time_to_first_failure time_to_detect time_to_recover failed_deployment_recovery; do
  check "rollguard_${h}_seconds_count 1" equals "$(sample "rollguard_${h}_seconds_count" "$policy_labels")" 1
done

# The histograms' single observations against the status timeline (whole seconds, exact) and
# against what this script saw (the clock of this machine, so within a second or two).
k get rbp/web -o json >"$rg_work/policy.json"
curl -s "$RG_METRICS_URL" >"$rg_work/metrics.txt"
# The whole exposition, the runtime's families and the per-policy ones rollguard writes itself, as
# Prometheus' own linter reads it (syntax, HELP/TYPE once per family; its advice on names is not an error).
check "promtool check metrics accepts /metrics" promtool check metrics <"$rg_work/metrics.txt"
python3 - "$rg_work/policy.json" "$rg_work/metrics.txt" "$RG_NS" "$v2_applied" "$v3_applied" >"$rg_work/dora.txt" <<'PY'
import json, sys
from datetime import datetime
policy, metrics, ns, v2_applied, v3_applied = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
st = json.load(open(policy))["status"]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
lr = st["lastRollback"]
new3 = [e for e in st["history"] if e["type"] == "NewRevision" and e.get("toRevision") == 3]
new2 = [e for e in st["history"] if e["type"] == "NewRevision" and e.get("toRevision") == 2]
deployed, detected, started, recovered = t(new3[0]["time"]), t(lr["detectedAt"]), t(lr["startedAt"]), t(lr["recoveredAt"])
want = {"time_to_first_failure": detected - deployed, "time_to_detect": started - deployed,
        "time_to_recover": recovered - started, "failed_deployment_recovery": recovered - deployed}
got = {}
for line in open(metrics):
    for name in want:
        prefix = "rollguard_%s_seconds_sum{namespace=\"%s\",policy=\"web\"}" % (name, ns)
        if line.startswith(prefix + " "): got[name] = float(line.split()[-1])
for name in want:
    print("%s %s %s" % (name, got.get(name, "missing"), want[name]))
print("seen v2 %.1f v3 %.1f" % (t(new2[0]["time"]) - v2_applied, deployed - v3_applied))
print("applied_to_decided %.1f applied_to_recovered %.1f" % (started - v3_applied, recovered - v3_applied))
print("first_failure %.0f decided %.0f recovered %.0f" % (detected - deployed, started - deployed, recovered - deployed))
PY
while read -r name got want; do
  [[ $name == seen || $name == applied_to_decided || $name == first_failure ]] && continue
  check "rollguard_${name}_seconds = ${want} s, as the status timeline says" \
    python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) < 1e-6 else 1)' "$got" "$want"
done <"$rg_work/dora.txt"
read -r _ _ seen_v2 _ seen_v3 < <(grep '^seen' "$rg_work/dora.txt")
# The NewRevision entries are stamped when the controller saw the revision (whole seconds, rounded
# down): at most a second before this script applied it, a few seconds after.
check "v2's deployment time is when it was applied (seen ${seen_v2} s later)" between -1.01 5 "$seen_v2"
check "v3's deployment time is when it was applied (seen ${seen_v3} s later)" between -1.01 5 "$seen_v3"
read -r _ applied_to_decided _ applied_to_recovered < <(grep '^applied_to' "$rg_work/dora.txt")
read -r _ first_failure _ decided _ recovered < <(grep '^first_failure' "$rg_work/dora.txt")
check "time to detect (${decided} s) <= failed deployment recovery (${recovered} s), first failure (${first_failure} s) before both" \
  python3 -c 'import sys; a, b, c = map(float, sys.argv[1:]); sys.exit(0 if a <= b <= c else 1)' "$first_failure" "$decided" "$recovered"

# Through Prometheus: the documentation's PromQL.
if ! real_cluster; then
  cfr='sum(increase(rollguard_failed_deployments_total[10m])) / sum(increase(rollguard_deployments_total[10m]))'
  eventually 20 "Prometheus: change fail rate = 0.5 ($cfr)" '^0\.(5|49999)' promql "$cfr"
  eventually 20 "Prometheus: rollguard_deployments_total 2" '^2$' promql "sum(rollguard_deployments_total{policy=\"web\"})"
fi

# A deleted policy takes its series along.
k delete rbp web >/dev/null
eventually 20 "the deleted policy's DORA series are gone from /metrics" '^0$' \
  bash -c "curl -s '$RG_METRICS_URL' | grep -cE '^rollguard_(deployments|failed_deployments)_total\\{.*policy=\"web\"' || true"

timeline
echo "FIGURE $rg_name v3 applied -> rollback decided ${applied_to_decided} s, -> recovered ${applied_to_recovered} s (this machine's clock)"
echo "FIGURE $rg_name histograms: first failure ${first_failure} s, time to detect ${decided} s, failed deployment recovery ${recovered} s after v3's deployment (status whole seconds); time to recover $(awk '/^time_to_recover/ {print $2}' "$rg_work/dora.txt") s"
finish
