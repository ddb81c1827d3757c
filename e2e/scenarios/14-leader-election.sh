#!/usr/bin/env bash
# Scenario 14: two controller processes with leader election (a Lease in the test namespace).
# A bad v2 gets exactly one rollback (by the leader; the standby acts on nothing). The leader is
# SIGTERMed: it releases the lease and exits 0; the standby takes over and rolls back a bad v3.
# leader_election_master_status says who leads; the new leader's DORA counters hold v3 only (what
# the old leader counted is not counted again from the status it finds).
#   usage: e2e/scenarios/14-leader-election.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init leader-election "$@"
[[ ${RG_CONTROLLER:-} == installed ]] && skip "starts its own two controller processes"
harness_start
le=(--leader-elect=true --leader-election-namespace "$RG_NS")
start_controller a "${le[@]}"
RG_CTRL_NO_WAIT=1 start_controller b "${le[@]}"
lease_holder() { k get lease -o 'jsonpath={.items[*].spec.holderIdentity}'; }
has_holder() { [[ -n $(lease_holder) ]]; }
holder_changed() {
  local h
  h=$(lease_holder)
  [[ -n $h && $h != "$before" ]]
}
must_wait "a Lease with a holder" 30 has_holder
rg_log "lease: $(k get lease -o 'jsonpath={range .items[*]}{.metadata.name} held by {.spec.holderIdentity} {end}')"

start_with_good_v1 web web "$(slo_error_rate 0.05)"
expect_rollback web web v2 --error-ratio 0.3
a=$(metric_sum "${CTRL_METRICS[a]}" rollguard_rollbacks_total | cut -d. -f1)
b=$(metric_sum "${CTRL_METRICS[b]}" rollguard_rollbacks_total | cut -d. -f1)
rg_log "rollguard_rollbacks_total: a=$a b=$b"
check "exactly one of the two acted" equals "$((a + b)) $((a * b))" "1 0"
if ((a == 1)); then leader=a standby=b; else leader=b standby=a; fi
leading() { metric_value "${CTRL_METRICS[$1]}" 'leader_election_master_status{name="rollguard-controller"}'; }
check "leader_election_master_status: 1 on the leader, 0 on the standby" equals "$(leading "$leader") $(leading "$standby")" "1 0"
before=$(lease_holder)
rg_log "leader is $leader (pid ${CTRL_PID[$leader]}, lease holder $before); SIGTERM"
term=$(date +%s.%3N)
kill -TERM "${CTRL_PID[$leader]}"
wait "${CTRL_PID[$leader]}"
rc=$?
exited=$(date +%s.%3N)
check "the leader exits 0 on SIGTERM" equals "$rc" 0
must_wait "the standby holds the lease" 60 holder_changed
took=$(date +%s.%3N)
rg_log "lease holder now: $(lease_holder)"
echo "FIGURE $rg_name SIGTERM -> leader exited $(elapsed "$term" "$exited") s; -> standby holds the lease $(elapsed "$term" "$took") s"
# The standby acts now: a bad v3 is rolled back by it.
unset "CTRL_METRICS[$leader]"
expect_rollback web web v3 --error-ratio 0.3
check "the standby did it" equals "$(metric_sum "${CTRL_METRICS[$standby]}" rollguard_rollbacks_total | cut -d. -f1)" 1
check "the new leader reports leader_election_master_status 1" equals "$(leading "$standby")" 1
# The new leader counts what it wrote (v3), nothing the old one had counted (v2, its rollback).
check "the new leader's DORA counters: 1 deployment, 1 failed, 1 recovery" equals \
  "$(metric_sum "${CTRL_METRICS[$standby]}" rollguard_deployments_total | cut -d. -f1) $(metric_sum "${CTRL_METRICS[$standby]}" rollguard_failed_deployments_total | cut -d. -f1) $(metric_sum "${CTRL_METRICS[$standby]}" rollguard_failed_deployment_recovery_seconds_count | cut -d. -f1)" \
  "1 1 1"
finish
