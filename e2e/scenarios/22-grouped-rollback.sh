#!/usr/bin/env bash
# Scenario 22: one policy for two Deployments (spec.targetSelector: group=shop) with
# rollback.together. Both roll out v2 together; web's v2 is fine, api's answers 30 % with 500. api
# breaches, and web — changed since its last known good — is rolled back with it: each exactly once,
# each to its own v1, status.targets showing each, status.together naming the incident. Then a
# Deployment that starts matching the selector joins the group; one that stops matching leaves it.
#   usage: e2e/scenarios/22-grouped-rollback.sh [BIN_DIR]     (KUBECONFIG set: a real cluster)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init grouped-rollback "$@"
harness_start
start_controller

target_field() { jp rbp/shop ".status.targets[?(@.name==\"$1\")].$2"; }
jsonpath() { k get rbp/shop -o "jsonpath=$1" 2>/dev/null; }

for dep in api web; do deploy "$dep" v1 --load-rps "${RG_LOAD_RPS:-20}"; done
for dep in api web; do must_wait "$dep v1 rolled out" 60 rollout_available "$dep"; done
k label deployment api web group=shop >/dev/null || rg_die "label failed"
# A long stabilizationWindow: web's v2 must still be under verification when api's breaches.
k apply -f - >/dev/null <<YAML || rg_die "policy shop not accepted"
apiVersion: rollguard.io/v1alpha1
kind: RollbackPolicy
metadata: {name: shop}
spec:
  targetSelector:
    matchLabels: {group: shop}
  interval: 1s
  stabilizationWindow: 20s
  failureThreshold: 3
  inconclusiveThreshold: 0
  rollback: {mode: Automatic, to: LastKnownGood, cooldown: 1s, together: true}
  slos:
$(slo_error_rate 0.05)
YAML
for dep in api web; do
  RG_WAIT_NOTE="phase_of shop" must_wait "$dep: revision 1 last known good" 90 \
    eval '[[ "$(target_field '"$dep"' lastKnownGoodRevision)" == 1 ]]'
done
step "kubectl get rbp shows the group Healthy" 'shop +Healthy' k get rbp shop
check "status.targets lists both Deployments" equals "$(jp rbp/shop '.status.targets[*].name')" "api web"

rollbacks_before=$(rollbacks_total)
RG_APPLIED=$(date +%s.%3N)
rg_log "rolling out v2 of both; api's with 30 % errors"
deploy web v2 --load-rps "${RG_LOAD_RPS:-20}"
deploy api v2 --load-rps "${RG_LOAD_RPS:-20}" --error-ratio 0.3
RG_WAIT_NOTE="phase_of shop" must_wait "api's revision 2 rolled back" 120 \
  eval '[[ "$(target_field api lastRollback.fromRevision)" == 2 ]]'
must_wait "web rolled back with it" 60 eval '[[ "$(target_field web lastRollback.fromRevision)" == 2 ]]'
for dep in api web; do eventually 60 "$dep: the restored v1 rolls out" '' rollout_available "$dep"; done
sleep "${RG_SETTLE:-5}"
for dep in api web; do
  check "$dep runs v1 again" equals "$(image_of "$dep")" "rollguard/demo-app:v1"
  check "$dep: revision 3 (the restored template), none after it" equals "$(revision_of "$dep") $(highest_revision "$dep")" "3 3"
  check "$dep: exactly one RolledBack Event" equals "$(count_events RolledBack "$dep")" 1
done
if [[ ${RG_CONTROLLER:-} != installed ]]; then
  check "rollguard_rollbacks_total rose by exactly 2" equals "$(($(rollbacks_total) - rollbacks_before))" 2
fi
check "api's reason: its own breach" equals "$(target_field api lastRollback.reason)" SLOBreached
step "web's reason names api" 'rolled back together with api' target_field web lastRollback.message
check "status.together: triggered by api's revision 2, web to revision 1" \
  equals "$(jsonpath '{.status.together.trigger}/{.status.together.triggerFromRevision} {.status.together.members[*].name}/{.status.together.members[*].toRevision}')" "api/2 web/1"
check "the group's phase is RolledBack" equals "$(phase_of shop)" RolledBack
check "kubectl wait --for=condition=RolledBack" k wait --for=condition=RolledBack rbp/shop --timeout=30s
step "api's rollback measured error-rate" 'error-rate' target_field api 'lastRollback.measurements[0].name'
rg_log "status.message: $(jp rbp/shop '.status.message')"
# kubectl rollguard shows a row per target.
kr() { env PATH="$RG_BIN:$PATH" kubectl rollguard --kubeconfig "$KUBECONFIG_FILE" -n "$RG_NS" "$@"; }
for dep in api web; do
  step "kubectl rollguard status: $dep RolledBack on revision 3, last good 3" "^shop +$dep +RolledBack +3 +3" kr status
done


# Membership follows the labels: a third Deployment joins, web leaves.
deploy cart v1 --load-rps 5
k label deployment cart group=shop >/dev/null
k label deployment web group- >/dev/null
must_wait "cart joins the group, web leaves it" 60 eval '[[ "$(jp rbp/shop ".status.targets[*].name")" == "api cart" ]]'
check "web was not touched again" equals "$(revision_of web) $(highest_revision web)" "3 3"
finish
