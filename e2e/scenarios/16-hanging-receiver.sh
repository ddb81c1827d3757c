#!/usr/bin/env bash
# Scenario 16: a receiver that hangs does not delay the rollback. Two webhooks: "stuck" reads each
# request and never answers (its timeout is 10 s, retried with backoff), "oncall" answers at once.
# v2 breaches its error-rate SLO and is rolled back as in scenario 2; the breach -> patch figure is
# printed for comparison with scenario 2's (the same rollout without receivers). The responsive
# receiver gets every event while the stuck one is still being retried.
#   usage: e2e/scenarios/16-hanging-receiver.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init hanging-receiver "$@"
real_cluster && skip "its receivers listen on this machine's loopback"
harness_start
start_receiver stuck --mode hang
start_receiver oncall
start_controller
notifications='  notifications:
    webhooks:
    - name: stuck
      urlSecretRef: {name: stuck-webhook, key: url}
      timeout: 10s
    - name: oncall
      urlSecretRef: {name: oncall-webhook, key: url}'
start_with_good_v1 web web "$(slo_error_rate 0.05)" "$notifications"

expect_rollback web web v2 --error-ratio 0.3
with_hang=$RG_BREACH_TO_PATCH
detected=$(jp rbp/web '.status.lastRollback.detectedAt')
started=$(jp rbp/web '.status.lastRollback.startedAt')
completed=$(jp rbp/web '.status.lastRollback.completedAt')
first_hang=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["time"])' "$rg_work/stuck.hook" 2>/dev/null)
patched=$(awk '/^EPOCHS/ {print $3}' <<<"$(rollback_figures web web "$RG_APPLIED")")

check "the stuck receiver got the breach (and never answered)" bash -c "grep -q SLOBreached '$rg_work/stuck.hook'"
eventually 30 "the responsive receiver got SLOBreached, RollbackStarted, RolledBack meanwhile" '' \
  received_all oncall SLOBreached RollbackStarted RolledBack
check "the rollback patch landed before the stuck receiver's first attempt timed out (10 s)" \
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) < float(sys.argv[1]) + 10 else 1)' "${first_hang:-0}" "${patched:-0}"
check "the stuck receiver's entries are still in the outbox (not confirmed)" \
  bash -c "[[ \$(kubectl --kubeconfig $KUBECONFIG_FILE -n $RG_NS get rbp/web -o jsonpath='{.status.notifications.outbox[*].receivers}') == *stuck* ]]"
check "none of oncall's" \
  bash -c "[[ \$(kubectl --kubeconfig $KUBECONFIG_FILE -n $RG_NS get rbp/web -o jsonpath='{.status.notifications.outbox[*].receivers}') != *oncall* ]]"
eventually 40 "the stuck receiver is retried (a timed-out attempt counts result=retried)" \
  'result="retried"' bash -c "curl -s $RG_METRICS_URL | grep -E '^rollguard_notifications_total\\{.*receiver=\"stuck\"'"
step "its failure is logged, naming the policy and the receiver (not the URL)" \
  "policy $RG_NS/web: notification SLOBreached to receiver stuck \\(webhook\\) failed: timed out" \
  grep -- "receiver stuck" "$rg_work/controller.log"
rg_log "controller log on the stuck receiver:"
grep -- "receiver stuck" "$rg_work/controller.log" | sed 's/^/    /' | head -5
check "exactly one log line for the stuck SLOBreached delivery" \
  equals "$(grep -c -- "notification SLOBreached to receiver stuck" "$rg_work/controller.log")" 1

eventually 40 "and Recovered, while the stuck receiver still holds its attempts" '' received_all oncall Recovered
check "the stuck receiver never got more than one request at a time" python3 - "$rg_work/stuck.hook" <<'PY'
import json, sys
times = [json.loads(l)["time"] for l in open(sys.argv[1])]
# Each attempt hangs until its 10 s timeout; the next one starts after it (or after backoff).
sys.exit(0 if all(b - a >= 9.5 for a, b in zip(times, times[1:])) else "request times %s" % times)
PY
echo "FIGURE $rg_name breach->patch ${with_hang:-n/a} s watched with a receiver that never answers (scenario 02: the same" \
  "rollout without receivers); status detectedAt $detected -> startedAt $started -> completedAt $completed;" \
  "stuck receiver's first request -> patch $(elapsed "${first_hang:-0}" "${patched:-0}") s (negative: the patch came first)"
finish
