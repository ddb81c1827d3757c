#!/usr/bin/env bash
# Scenario 4: v2's pods never become ready; the rollout hits its progress deadline (8 s here)
# and the deployment SLO (failOnProgressDeadline) rolls it back, reason ProgressDeadline.
#   usage: e2e/scenarios/04-never-ready.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init never-ready "$@"
harness_start
start_controller

export RG_PROGRESS_DEADLINE=8
start_with_good_v1 web web "$(slo_rollout)"
expect_rollback web web v2 --never-ready
check "kube-sim/the cluster said ProgressDeadlineExceeded for revision 2" \
  equals "$(jp rbp/web '.status.lastRollback.reason')" ProgressDeadline
check "the failing SLO was rollout" equals "$(jp rbp/web '.status.lastRollback.measurements[?(@.result=="Fail")].name')" rollout
finish
