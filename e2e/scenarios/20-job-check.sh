#!/usr/bin/env bash
# Scenario 20: a post-deploy check as a Job (the runbook's integration tests). The check lists the
# pods of the revision it is handed (ROLLGUARD_POD_TEMPLATE_HASH) with the real kubectl and asks
# each for /health; kube-sim's Job controller runs it as a real process. It passes on v1 (v1 becomes
# last known good) and fails on v2 (--unhealthy): its output is the termination message
# (FallbackToLogsOnError) in status and in the Event, and v2 is rolled back exactly once. The check
# runs once per template (not per evaluation, not again for the restored v1), and with keep: 2 the
# oldest check Job goes, with its pod, once a third template (v3) has been checked. A restarted
# controller finds the Jobs by name and runs nothing again; a passed revision whose Job is deleted
# stays passed.
#   usage: e2e/scenarios/20-job-check.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init job-check "$@"
# The check reaches the API server with kube-sim's kubeconfig and the pods by their IPs.
real_cluster && skip "the check Job uses this machine's kubectl and kube-sim's kubeconfig"
harness_start
start_controller

runs=$rg_work/check-runs
: >"$runs"
# Single-quoted: expanded by the check's shell, from the env rollguard and the template give it.
# shellcheck disable=SC2016
check_script='echo "$ROLLGUARD_REVISION $ROLLGUARD_POD_TEMPLATE_HASH" >>"$CHECK_RUNS"
pods=$(kubectl --cache-dir "$CHECK_CACHE" -n "$ROLLGUARD_NAMESPACE" get pods -l "pod-template-hash=$ROLLGUARD_POD_TEMPLATE_HASH" -o jsonpath="{range .items[*]}{.metadata.name}={.status.podIP} {end}") || { echo "cannot list the pods of revision $ROLLGUARD_REVISION"; exit 2; }
[ -n "$pods" ] || { echo "no pods of revision $ROLLGUARD_REVISION"; exit 2; }
for p in $pods; do
  code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 3 "http://${p#*=}:$APP_PORT/health")
  [ "$code" = 200 ] || { echo "GET /health answered $code on pod ${p%%=*}"; exit 1; }
done
echo "revision $ROLLGUARD_REVISION of $ROLLGUARD_DEPLOYMENT: /health 200 on every pod"'
slo_job() {
  echo
  cat <<YAML
  - name: smoke
    job:
      timeout: 60s
      keep: 2
      template:
        metadata: {labels: {suite: smoke}}
        spec:
          template:
            spec:
              containers:
              - name: check
                image: rollguard/check:v1
                command: ["/bin/sh", "-c"]
                args:
                - |
$(sed 's/^/                  /' <<<"$check_script")
                env:
                - {name: KUBECONFIG, value: "$KUBECONFIG_FILE"}
                - {name: CHECK_CACHE, value: "$rg_work/check-kubectl-cache"}
                - {name: CHECK_RUNS, value: "$runs"}
                - {name: APP_PORT, value: "$RG_POD_PORT"}
                terminationMessagePolicy: FallbackToLogsOnError
YAML
}
check_jobs() { k get jobs -l rollguard.io/policy=web,rollguard.io/slo=smoke -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}' | sort | paste -sd' '; }

start_with_good_v1 web web "$(slo_job)"
h1=$(hash_of_revision web 1)
job1=web-smoke-$h1
check "v1's check Job $job1 completed" equals "$(jp "job/$job1" '.status.conditions[?(@.type=="Complete")].status')" True
check "its labels tie it to the policy, SLO, revision and template" equals \
  "$(jp "job/$job1" '.metadata.labels.rollguard\.io/policy} {.metadata.labels.rollguard\.io/slo} {.metadata.labels.rollguard\.io/revision} {.metadata.labels.rollguard\.io/pod-template-hash} {.metadata.labels.suite')" \
  "web smoke 1 $h1 smoke"
check "it is owned by the policy" equals \
  "$(jp "job/$job1" '.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].uid')" \
  "RollbackPolicy/web $(jp rbp/web '.metadata.uid')"
pod1=$(k get pods -l "job-name=$job1" -o 'jsonpath={.items[0].metadata.name}')
check "the check ran as a real process: kube-sim started $pod1" grep "pod runner: started default/$pod1 " "$rg_work/kube-sim.log"
check "and reaped it (exit 0)" grep "pod runner: default/$pod1 exited with 0" "$rg_work/kube-sim.log"
check "the check process ran (it recorded revision 1)" equals "$(cat "$runs")" "1 $h1"
check "the SLO passed with the Job" equals "$(jp rbp/web '.status.slos[?(@.name=="smoke")].result')" Pass

expect_rollback web web v2 --unhealthy
h2=$(hash_of_revision web 2)
message=$(jp rbp/web '.status.lastRollback.measurements[?(@.name=="smoke")].message')
check "the failing SLO was the check, with its termination message" \
  grep -E "^check job web-smoke-$h2 failed \(BackoffLimitExceeded\): GET /health answered 503 on pod web-" <<<"$message"
check "v2's check Job failed" equals "$(jp "job/web-smoke-$h2" '.status.conditions[?(@.type=="Failed")].status')" True
step "the RolledBack Event has the check's message" "GET /health answered 503 on pod web-" events_of RolledBack web
check "the restored v1 (revision 3) passes on its earlier Job, not run again: one run per template" \
  equals "$(cut -d' ' -f2 "$runs" | paste -sd' ')" "$h1 $h2"
eventually 30 "the SLO passes again on the restored v1" '^Pass$' jp rbp/web '.status.slos[?(@.name=="smoke")].result'

rg_log "rolling out v3 (healthy): a third template, a third check Job"
deploy web v3 --load-rps "${RG_LOAD_RPS:-20}"
must_wait "v3 (revision 4) last known good" 90 field_is rbp/web '.status.lastKnownGoodRevision' 4
h3=$(hash_of_revision web 4)
check "v3's check ran once" equals "$(cut -d' ' -f2 "$runs" | paste -sd' ')" "$h1 $h2 $h3"
want=$(printf '%s\n' "web-smoke-$h2" "web-smoke-$h3" | sort | paste -sd' ')
eventually 30 "keep: 2 — the oldest check Job ($job1) is deleted, v2's and v3's stay" "^$want\$" check_jobs
eventually 30 "its pod went with it (propagation Background)" '^$' k get pods -l "job-name=$job1" -o 'jsonpath={.items[*].metadata.name}'

rg_log "a new controller (kill -9, start again) and a deleted passed Job: the check is not run again"
kill -9 "$RG_CTRL_PID"
wait "$RG_CTRL_PID" 2>/dev/null
start_controller
sleep 4 # four intervals of continuous verification
check "the new controller ran no check (its Jobs are found by name)" equals "$(cut -d' ' -f2 "$runs" | paste -sd' ')" "$h1 $h2 $h3"
check "and created no Job" equals "$(check_jobs)" "$want"
k delete job "web-smoke-$h3" >/dev/null
sleep 4
check "v3's deleted Job is not re-created: v3 passed on it" equals "$(check_jobs)" "web-smoke-$h2"
check "nor run again" equals "$(cut -d' ' -f2 "$runs" | paste -sd' ')" "$h1 $h2 $h3"
check "the SLO still passes" equals "$(jp rbp/web '.status.slos[?(@.name=="smoke")].result')" Pass
check "phase Healthy on v3" equals "$(phase_of web)" Healthy
check "exactly one rollback in the whole scenario" equals "$(count_events RolledBack web)" 1
finish
