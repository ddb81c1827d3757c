#!/usr/bin/env bash
# Scenario 23: the API server refuses the rollback patch for good — here the controller's
# ClusterRole has lost `patch` on deployments (a broken RBAC upgrade; an admission webhook's denial
# looks the same). rollguard keeps retrying, says so once — a RollbackFailed Event, the refusal in
# status.pendingRollback, a RollbackFailed notification — and rolls back as soon as the right is back.
#   usage: e2e/scenarios/23-rollback-refused.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init rollback-refused "$@"
real_cluster && skip "edits the controller's ClusterRole (kube-sim runs the controller under RBAC)"
harness_start
start_receiver oncall
start_controller
notifications='  notifications:
    webhooks:
    - name: oncall
      urlSecretRef: {name: oncall-webhook, key: url}
      events: [RollbackFailed, RolledBack]
      timeout: 2s'
start_with_good_v1 web web "$(slo_error_rate 0.05)" "$notifications"

# rules[2] of the shipped ClusterRole is deployments: [get, list, watch, patch].
set_deployment_verbs() {
  k patch clusterrole rollguard-controller --type json \
    -p "[{\"op\":\"test\",\"path\":\"/rules/2/resources/0\",\"value\":\"deployments\"},{\"op\":\"replace\",\"path\":\"/rules/2/verbs\",\"value\":$1}]" >/dev/null
}
check "the controller's ClusterRole loses patch on deployments" set_deployment_verbs '["get","list","watch"]'
applied=$(date +%s.%3N)
deploy web v2 --load-rps 20 --error-ratio 0.3
has_rollback_failed_event() { event_list web | grep -q '^RollbackFailed'; }
must_wait "the RollbackFailed Event" 90 has_rollback_failed_event
reported=$(date +%s.%3N)
check "phase RollingBack (still retrying)" equals "$(phase_of web)" RollingBack
step "status says why: the API server's words" 'cannot patch resource "deployments"' jp rbp/web '.status.pendingRollback.lastError'
check "a refusal retrying cannot fix" equals "$(jp rbp/web '.status.pendingRollback.lastErrorPermanent')" true
step "the policy's message shows it too" 'refused the patch' jp rbp/web '.status.message'
must_wait "RollbackFailed at the receiver" 30 grep -q RollbackFailed "$rg_work/oncall.hook"
check "the Deployment still runs v2" equals "$(image_of web)" rollguard/demo-app:v2

check "patch on deployments is back" set_deployment_verbs '["get","list","watch","patch"]'
must_wait "revision 2 rolled back" 90 field_is rbp/web '.status.lastRollback.fromRevision' 2
must_wait "RolledBack at the receiver" 60 grep -q RolledBack "$rg_work/oncall.hook"
check "the template is v1 again" equals "$(image_of web)" rollguard/demo-app:v1
sleep 3
check "exactly one RollbackFailed Event" equals "$(count_events RollbackFailed web)" 1
check "the receiver got RollbackFailed and RolledBack, once each" \
  equals "$(received_events oncall | tr ' ' '\n' | sort | paste -sd' ')" "RollbackFailed RolledBack"
step "the RollbackFailed notification carries the refusal" 'cannot patch' received_json oncall RollbackFailed
echo "FIGURE rollback-refused v2 applied -> RollbackFailed reported $(elapsed "$applied" "$reported") s"
finish
