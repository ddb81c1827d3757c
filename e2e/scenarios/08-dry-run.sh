#!/usr/bin/env bash
# Scenario 8: rollback.mode DryRun. v2 breaches the error rate; status (lastDryRun, message) and a
# DryRunRollback Event say "would roll back 2 -> 1 because ..."; the Deployment is untouched.
#   usage: e2e/scenarios/08-dry-run.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init dry-run "$@"
harness_start
start_controller

RG_MODE=DryRun start_with_good_v1 web web "$(slo_error_rate 0.05)"
applied=$(date +%s.%3N)
deploy web v2 --load-rps 20 --error-ratio 0.3
must_wait "a dry-run decision for revision 2" 90 field_is rbp/web '.status.lastDryRun.fromRevision' 2
decided=$(date +%s.%3N)
eventually 20 "a DryRunRollback Event says what would happen (2 -> 1)" '2 .* 1|2 → 1|2 -> 1' events_of DryRunRollback web
rg_log "Event: $(events_of DryRunRollback web | tail -1)"
rg_log "status.lastDryRun.message: $(jp rbp/web '.status.lastDryRun.message')"
check "lastDryRun: 2 -> 1" equals "$(jp rbp/web '.status.lastDryRun.fromRevision') -> $(jp rbp/web '.status.lastDryRun.toRevision')" "2 -> 1"
sleep "${RG_SETTLE:-5}"
check "the Deployment is untouched (revision 2, image v2, not paused)" \
  equals "$(revision_of web) $(image_of web) $(jp deployment/web .spec.paused)" "2 rollguard/demo-app:v2 "
check "no rollback (no lastRollback, no RolledBack Event, rollguard_rollbacks_total 0)" \
  equals "$(jp rbp/web '.status.lastRollback.fromRevision')|$(count_events RolledBack web)|$(rollbacks_total)" "|0|0"
check "one DryRunRollback Event (once per template)" equals "$(count_events DryRunRollback web)" 1
check "rollguard_dry_run_rollbacks_total is 1" equals "$(metric_sum "$RG_METRICS_URL" rollguard_dry_run_rollbacks_total | cut -d. -f1)" 1
k get rbp web
timeline
echo "FIGURE $rg_name v2 applied -> dry-run decision $(elapsed "$applied" "$decided") s"
finish
