#!/usr/bin/env bash
# Scenario 13: scenario 2 (error-rate breach -> rollback) while kube-sim answers 10 % of the
# controller's requests with 5xx / 429 and cuts every watch after 3 s: still exactly one rollback.
# (Faults hit every network client, kubectl too: this script's own kubectl calls retry.)
#   usage: e2e/scenarios/13-api-faults.sh [BIN_DIR]     (kube-sim only)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init api-faults "$@"
real_cluster && skip "injects faults through kube-sim's admin endpoint"
harness_start
start_controller

faults='{"errors": [{"verb": "*", "resource": "*", "share": 0.05, "code": 503},
                    {"verb": "*", "resource": "*", "share": 0.03, "code": 500},
                    {"verb": "*", "resource": "*", "share": 0.02, "code": 429, "retryAfterSeconds": 1}],
         "watchCutSeconds": 3}'
check "faults on (10 % 5xx/429, watches cut every 3 s)" sim_admin PUT /admin/faults "$faults"
export RG_KUBECTL_RETRY=1 # this script's kubectl gets the faults too: retry 5xx / 429 answers
start_with_good_v1 web web "$(slo_error_rate 0.05)"
expect_rollback web web v2 --error-ratio 0.3
injected=$(grep -c 'fault:' "$rg_work/kube-sim.log")
check "kube-sim injected faults meanwhile ($injected logged)" test "$injected" -gt 1
echo "FIGURE $rg_name faults injected by kube-sim during the scenario: $injected"
check "faults off" sim_admin DELETE /admin/faults
finish
