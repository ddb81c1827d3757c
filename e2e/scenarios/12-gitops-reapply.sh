#!/usr/bin/env bash
# Scenario 12: GitOps self-heal. After v2 is rolled back, a sync loop re-applies v2's template every
# 2 s for 30 s (kubectl apply, as Argo CD / Flux would). rollguard holds the Deployment
# (spec.paused), sets Blocked saying which revision was rejected, when and why; there is exactly one
# rollback and no ping-pong. Counts the pods of the rejected template created by the re-applies.
# Then a new template (v3) releases the hold. The DORA counters: 2 deployments (v2, v2 again), one
# failed by the rollback, one blocked; v3 a third.
#   usage: e2e/scenarios/12-gitops-reapply.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init gitops-reapply "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_error_rate 0.05)"
record pods k get pods -l app=web --watch -o 'jsonpath={.metadata.name}|{.metadata.labels.pod-template-hash}{"\n"}'
expect_rollback web web v2 --error-ratio 0.3
rejected_hash=$(hash_of_revision web 2)
[[ -n $rejected_hash ]] || rejected_hash=$(jp rbp/web '.status.lastRollback.fromTemplateHash')
sync_start=$(date +%s.%3N)
rg_log "GitOps sync: re-applying v2 every 2 s for 30 s"
for i in $(seq 15); do
  deploy web v2 --load-rps 20 --error-ratio 0.3
  rg_log "  re-apply $i: revision $(revision_of web), paused=$(jp deployment/web .spec.paused), phase $(phase_of web)"
  sleep 2
done
check "kubectl wait --for=condition=Blocked" k wait --for=condition=Blocked rbp/web --timeout=10s
check "phase Blocked" equals "$(phase_of web)" Blocked
check "the Deployment is held (spec.paused true)" equals "$(jp deployment/web .spec.paused)" true
msg=$(jp rbp/web '.status.conditions[?(@.type=="Blocked")].message')
rg_log "Blocked: $msg"
check "Blocked names the rejected revision 2" grep -qE "\\b2\\b" <<<"$msg"
check "exactly one rollback: one RolledBack Event, rollguard_rollbacks_total 1" \
  equals "$(count_events RolledBack web) $(rollbacks_total)" "1 1"
step "a RejectedTemplateHeld Event" '^RejectedTemplateHeld: ' event_list web
# DORA: v2, then v2 coming back once (15 identical re-applies are one revision) are deployments;
# the first failed by its rollback, the second by the hold.
dora() {
  local l="namespace=\"$RG_NS\",policy=\"web\""
  echo "$(metric_value "$RG_METRICS_URL" "rollguard_deployments_total{$l}")" \
    "$(metric_value "$RG_METRICS_URL" "rollguard_failed_deployments_total{$l,reason=\"rollback\"}")" \
    "$(metric_value "$RG_METRICS_URL" "rollguard_failed_deployments_total{$l,reason=\"blocked\"}")"
}
check "DORA: 2 deployments, 1 failed by rollback, 1 blocked" equals "$(dora)" "2 1 1"
ready_v2=$(k get pods -l "app=web,pod-template-hash=$rejected_hash" -o 'jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}' | grep -c .)
created=$(recorded pods | awk -v after="$sync_start" -v h="$rejected_hash" '{split($2, f, "|"); if ($1 >= after && f[2] == h) print f[1]}' | sort -u | grep -c .)
rg_log "revisions after the sync loop: $(k get rs -l app=web -o 'jsonpath={range .items[*]}{.metadata.annotations.deployment\.kubernetes\.io/revision}={.spec.template.spec.containers[0].image}/{.spec.replicas} {end}')"
echo "FIGURE $rg_name pods of the rejected template created during 15 re-applies: $created (running now: $ready_v2)"

rg_log "a new template (v3) releases the hold"
deploy web v3 --load-rps 20
eventually 30 "the hold is released (spec.paused not true)" '^(false)?$' jp deployment/web .spec.paused
eventually 60 "v3 rolls out" '' rollout_available web
eventually 30 "v3 is verified (phase Verifying or Healthy, revision of v3)" '^(Verifying|Healthy)$' phase_of web
step "a HoldReleased Event" '^HoldReleased: ' event_list web
check "still exactly one rollback" equals "$(count_events RolledBack web) $(rollbacks_total)" "1 1"
check "DORA: v3 is the third deployment, no new failure" equals "$(dora)" "3 1 1"
timeline
finish
