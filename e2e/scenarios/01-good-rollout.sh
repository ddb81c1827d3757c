#!/usr/bin/env bash
# Scenario 1: a good rollout. v1 is verified and becomes last known good; v2 (also good) goes
# Verifying -> Healthy and becomes the new last known good, with its pod-template hash.
#   usage: e2e/scenarios/01-good-rollout.sh [BIN_DIR]     (KUBECONFIG set: a real cluster, see e2e/lib/harness.sh)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init good-rollout "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_rollout)$(slo_health)$(slo_error_rate 0.05)"
check "kubectl wait --for=condition=SLOsMet" k wait --for=condition=SLOsMet rbp/web --timeout=30s
check "kubectl wait --for=condition=Ready" k wait --for=condition=Ready rbp/web --timeout=30s
check "phase Healthy" equals "$(phase_of web)" Healthy
check "a LastKnownGood Event for revision 1" test "$(count_events LastKnownGood web)" -ge 1

applied=$(date +%s.%3N)
deploy web v2 --load-rps 20
eventually 30 "v2 is being verified (phase Verifying, currentRevision 2)" '^Verifying 2$' \
  jp rbp/web '.status.phase} {.status.currentRevision'
must_wait "revision 2 last known good" 60 field_is rbp/web '.status.lastKnownGoodRevision' 2
good=$(date +%s.%3N)
check "phase Healthy" equals "$(phase_of web)" Healthy
step "the Verifying Event of v2 names revision 2" '^Verifying: verifying revision 2 ' event_list web
check "lastKnownGoodPodTemplateHash is v2's ReplicaSet's pod-template-hash" \
  equals "$(jp rbp/web '.status.lastKnownGoodPodTemplateHash')" "$(hash_of_revision web 2)"
check "the Deployment was not touched (revision 2, image v2)" \
  equals "$(revision_of web) $(image_of web)" "2 rollguard/demo-app:v2"
check "no rollback (no lastRollback, no RolledBack Event, rollguard_rollbacks_total 0)" \
  equals "$(jp rbp/web '.status.lastRollback.fromRevision')|$(count_events RolledBack web)|$(rollbacks_total)" "|0|0"
check "every SLO passes" equals "$(jp rbp/web '.status.slos[*].result')" "Pass Pass Pass"
k get rbp web
timeline
echo "FIGURE $rg_name v2 applied -> last known good $(elapsed "$applied" "$good") s (stabilizationWindow ${RG_STABILIZATION:-4s})"
finish
