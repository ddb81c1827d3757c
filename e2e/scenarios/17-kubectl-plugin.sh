#!/usr/bin/env bash
# Scenario 17: `kubectl rollguard`, the kubectl plugin (build/bin/kubectl-rollguard), run by the real
# kubectl from PATH against kube-sim and the real controller: a manual rollback v3 -> v1 that the
# plugin writes and follows to the end (exit 0), status / timeline / why showing it, pause and resume,
# and the failures a person at 3 a.m. meets: a policy that does not exist, a revision that does not
# exist (exit 1 with the available revisions), bad flags (exit 2), no controller (exit 3). kubeconfig
# rules as kubectl's: --kubeconfig, $KUBECONFIG, --context, the context's namespace, -n.
#   usage: e2e/scenarios/17-kubectl-plugin.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init kubectl-plugin "$@"
[[ -x $RG_BIN/kubectl-rollguard ]] || rg_die "$RG_BIN/kubectl-rollguard not found (build it first)"
export PATH="$RG_BIN:$PATH"
harness_start
start_controller

# The plugin as a person runs it, with this script's kubeconfig and namespace.
kr() { kubectl rollguard --kubeconfig "$KUBECONFIG_FILE" -n "$RG_NS" "$@"; }
# Every plugin output goes through here too, so the last check can say no token was ever printed.
seen() { tee -a "$rg_work/plugin-output.txt"; }
# exits CODE CMD...: CMD's output (stdout and stderr) and "exit N"; true when N is CODE.
exits() {
  local want=$1 rc
  shift
  "$@" 2>&1 | seen
  rc=${PIPESTATUS[0]}
  echo "exit $rc"
  [[ $rc == "$want" ]]
}
seen_run() {
  "$@" 2>&1 | seen
  return "${PIPESTATUS[0]}"
}
krs() { seen_run kr "$@"; }

check "kubectl finds the plugin on PATH" bash -c 'kubectl plugin list 2>/dev/null | grep -q kubectl-rollguard'
step "kubectl rollguard --help lists the commands" 'rollback.*' bash -c 'kubectl rollguard --help | grep -E "^ +(status|timeline|rollback|pause|resume|why) "'

start_with_good_v1 web web "$(slo_error_rate 0.05)"
deploy web v2 --load-rps 20
must_wait "v2 rolled out" 60 rollout_available web
deploy web v3 --load-rps 20
must_wait "v3 rolled out" 60 rollout_available web
wait_last_known_good web 3

step "status: the table shows web Healthy on revision 3, last good 3" \
  '^web +web +Healthy +3 +3 +- +[0-9]' krs status
step "status via \$KUBECONFIG (no --kubeconfig) in the context's namespace" '^web +web +Healthy' \
  env KUBECONFIG="$KUBECONFIG_FILE" kubectl rollguard status
step "status -A: a NAMESPACE column" "^NAMESPACE +NAME.*|^$RG_NS +web +web +Healthy" kr status -A

# The manual rollback: written, followed, done.
requested=$(date +%s.%3N)
kr rollback web --to-revision 1 --reason "INC-1717 bad config in v2 and v3" --timeout 90s >"$rg_work/rollback.out" 2>&1
rollback_rc=$?
done_at=$(date +%s.%3N)
seen <"$rg_work/rollback.out" | sed 's/^/      > /'
check "rollback --to-revision 1 exits 0" equals "$rollback_rc" 0
step "rollback said what it requested" \
  'requested \(rollbackpolicy web, requestId kubectl-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}\)' cat "$rg_work/rollback.out"
step "rollback followed it to the end" \
  "^rolled back 3 → 1: Deployment web runs revision 1's template again, now revision 4 " cat "$rg_work/rollback.out"
step "rollback reported how revision 4 rolls out" \
  '^Deployment web: revision 4, (2 of 2 replicas updated and available|rolling out: .*kubectl rollout status deployment/web)' \
  cat "$rg_work/rollback.out"
request_id=$(grep -o 'requestId kubectl-[^)]*' "$rg_work/rollback.out" | cut -d' ' -f2)
echo "FIGURE $rg_name kubectl rollguard rollback: request -> done $(elapsed "$requested" "$done_at") s (exit when lastRollback.completedAt is set)"
check "spec.manualRollback carries the request, the reason is in the annotation" equals \
  "$(jp rbp/web '.spec.manualRollback.toRevision} {.spec.manualRollback.requestId} {.metadata.annotations.rollguard\.io/manual-rollback-reason')" \
  "1 $request_id INC-1717 bad config in v2 and v3"
check "status: lastRollback is this request, 3 -> 1, Manual" equals \
  "$(jp rbp/web '.status.lastRollback.requestId} {.status.lastRollback.fromRevision} {.status.lastRollback.toRevision} {.status.lastRollback.reason')" \
  "$request_id 3 1 Manual"
eventually 60 "the Deployment runs v1 again, fully available" '^rollguard/demo-app:v1 2 2$' \
  jp deployment/web '.spec.template.spec.containers[0].image} {.status.availableReplicas} {.status.updatedReplicas'
check "revision 4 is v1's template" equals "$(revision_of web) $(image_of web)" "4 rollguard/demo-app:v1"

step "status: web on revision 4 (phase RolledBack, Verifying or Healthy)" \
  '^web +web +(RolledBack|Verifying|Healthy) +4 +[34] ' krs status
kr status web >"$rg_work/status-web.out" 2>&1
seen <"$rg_work/status-web.out" >/dev/null
step "status web: the phase" '^Phase: +(RolledBack|Verifying|Healthy)' cat "$rg_work/status-web.out"
step "status web: revision 4, last good 3 or 4" '^Revision: +4( |$)' cat "$rg_work/status-web.out"
step "status web: last good 3 or 4" '^Last good: +[34]( |$)' cat "$rg_work/status-web.out"
step "status web: the last rollback, 3 → 1, Manual, with its request" "^  3 → 1 +Manual +request $request_id\$" \
  cat "$rg_work/status-web.out"
rg_log "kubectl rollguard status web:"
kr status web | sed 's/^/    /'
step "timeline web: the rollback started and completed, with times and the time between steps" \
  "RollbackStarted +3 → 1 .*manual rollback $request_id" krs timeline web
step "timeline web: the rollback completed" 'RollbackCompleted +3 → 1 ' kr timeline web
step "timeline web: how long each part of the rollback took" \
  '^Last rollback 3 → 1 \(Manual\): started → completed [0-9]+s' kr timeline web
rg_log "kubectl rollguard timeline web:"
kr timeline web | sed 's/^/    /'
eventually 30 "why web: the error-rate SLO with result, value, threshold and evaluation time" \
  '^  error-rate +(Pass|Fail|Inconclusive) +.+ +<= 0\.05 +[0-9-]+ [0-9:]+ UTC' krs why web
step "why web: counters against the thresholds" 'Counters: +consecutive failures [0-9]+ of 3 \(failureThreshold\)' kr why web
rg_log "kubectl rollguard why web:"
kr why web | sed 's/^/    /'

# pause / resume: spec.paused through a merge patch, and the controller follows.
step "pause web" 'rollbackpolicy.rollguard.io/web paused' krs pause web
check "spec.paused is true" equals "$(jp rbp/web .spec.paused)" true
eventually 20 "the controller reports phase Paused (status web)" 'Phase: +Paused' kr status web
step "pause again: already paused, exit 0" 'already paused' kr pause web
step "rollback of a paused policy: exit 1, says to resume first" 'is paused.*kubectl rollguard resume web' \
  exits 1 kr rollback web --to-revision 3 --timeout 5s
step "resume web" 'rollbackpolicy.rollguard.io/web resumed' krs resume web
check "spec.paused is false" equals "$(jp rbp/web .spec.paused)" false
eventually 20 "the phase is no longer Paused" '^web +web +(RolledBack|Verifying|Healthy) ' kr status

# What goes wrong at 3 a.m.
step "a policy that does not exist: exit 1, not-found message" \
  "^error: rollbackpolicy \"nope\" not found in namespace \"$RG_NS\"\$" exits 1 kr status nope
step "timeline of a policy that does not exist: exit 1" "rollbackpolicy \"nope\" not found" exits 1 kr timeline nope
step "rollback of a policy in another namespace: exit 1, names that namespace" \
  'rollbackpolicy "web" not found in namespace "elsewhere"' exits 1 \
  kubectl rollguard --kubeconfig "$KUBECONFIG_FILE" rollback web -n elsewhere --to-revision 1
started=$(date +%s.%3N)
step "a revision that does not exist: exit 1 with the available revisions" \
  'error: rollback failed: manual rollback kubectl-[^:]*: revision 42 not found; available revisions: 2, 3, 4$' \
  exits 1 kr rollback web --to-revision 42 --timeout 60s
echo "FIGURE $rg_name kubectl rollguard rollback to a missing revision: request -> refused $(elapsed "$started" "$(date +%s.%3N)") s"
check "nothing was patched (revision 4, v1)" equals "$(revision_of web) $(image_of web)" "4 rollguard/demo-app:v1"
step "no --to-revision: exit 2" 'to-revision is required' exits 2 kr rollback web
step "--to-revision 0: exit 2" 'to-revision' exits 2 kr rollback web --to-revision 0
step "--timeout ten: exit 2" 'timeout ten' exits 2 kr rollback web --to-revision 1 --timeout ten
step "an unknown command: exit 2" '' exits 2 kr frobnicate
step "a kubeconfig that does not exist: exit 1, names the file" "$rg_work/missing.kubeconfig" \
  exits 1 kubectl rollguard --kubeconfig "$rg_work/missing.kubeconfig" status

# --context and the context's namespace: a second context whose namespace holds another policy.
if real_cluster; then
  rg_log "skipped on a real cluster: the --context part (it would create a namespace of its own)"
else
  cp "$KUBECONFIG_FILE" "$rg_work/two-contexts.kubeconfig"
  kubectl --kubeconfig "$rg_work/two-contexts.kubeconfig" config set-context team-b --cluster kube-sim \
    --user kube-sim --namespace team-b >/dev/null
  k create namespace team-b >/dev/null 2>&1
  policy_yaml api api "$(slo_rollout)" | k apply -n team-b -f - >/dev/null || rg_die "policy team-b/api not accepted"
  step "--context team-b: the context's namespace (team-b), its policy only" '^api +api ' \
    seen_run kubectl rollguard --kubeconfig "$rg_work/two-contexts.kubeconfig" --context team-b status
  step "--context team-b -n $RG_NS: -n wins over the context's namespace" '^web +web ' \
    kubectl rollguard --kubeconfig "$rg_work/two-contexts.kubeconfig" --context team-b -n "$RG_NS" status
fi

# No controller: the request is never handled, and the plugin says so when --timeout is up.
if [[ ${RG_CONTROLLER:-} != installed ]]; then
  kill -TERM "$RG_CTRL_PID" 2>/dev/null
  wait "$RG_CTRL_PID" 2>/dev/null
  step "the controller stopped: rollback times out with exit 3 and says the request stays" \
    'timed out after 3s waiting for request kubectl-[^ ]* to be handled; it stays in spec.manualRollback' \
    exits 3 kr rollback web --to-revision 2 --timeout 3s
  check "and nothing was patched (revision 4, v1)" equals "$(revision_of web) $(image_of web)" "4 rollguard/demo-app:v1"
fi

token=$(kubectl --kubeconfig "$KUBECONFIG_FILE" config view --raw -o 'jsonpath={.users[0].user.token}')
if [[ -n $token ]]; then
  check "the bearer token was never printed" bash -c "! grep -qF '$token' '$rg_work/plugin-output.txt'"
else
  rg_log "the kubeconfig has no static token (exec plugin?): nothing to look for in the output"
fi
timeline
finish
