#!/usr/bin/env bash
# Scenario 11: Prometheus stops while v2 is being verified. The error-rate SLO turns Inconclusive
# (never a failure: inconclusiveThreshold 0), nothing is rolled back, v2 does not become last known
# good; Prometheus comes back on the same port with its data and the verification resumes: v2
# becomes last known good.
#   usage: e2e/scenarios/11-prometheus-down.sh [BIN_DIR]     (kube-sim only)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init prometheus-down "$@"
real_cluster && skip "stops the Prometheus this script started"
harness_start
start_controller

export RG_STABILIZATION=8s
start_with_good_v1 web web "$(slo_error_rate 0.05)"
deploy web v2 --load-rps 20
eventually 30 "v2 is being verified" '^Verifying 2$' jp rbp/web '.status.phase} {.status.currentRevision'
stop_prometheus
stopped=$(date +%s.%3N)
rg_log "Prometheus stopped"
eventually 30 "error-rate turns Inconclusive" '^Inconclusive$' jp rbp/web '.status.slos[?(@.name=="error-rate")].result'
inconclusive=$(date +%s.%3N)
rg_log "message: $(jp rbp/web '.status.slos[?(@.name=="error-rate")].message')"
sleep 10 # longer than the stabilization window and failureThreshold x interval
check "still Verifying revision 2, no rollback, revision 1 still last known good" \
  equals "$(phase_of web) $(revision_of web) $(image_of web) $(jp rbp/web .status.lastKnownGoodRevision)" "Verifying 2 rollguard/demo-app:v2 1"
check "no rollback (no lastRollback, no RolledBack Event, rollguard_rollbacks_total 0)" \
  equals "$(jp rbp/web '.status.lastRollback.fromRevision')|$(count_events RolledBack web)|$(rollbacks_total)" "|0|0"
start_prometheus "$RG_PROM_PORT"
back=$(date +%s.%3N)
rg_log "Prometheus back on port $RG_PROM_PORT"
eventually 30 "error-rate passes again" '^Pass$' jp rbp/web '.status.slos[?(@.name=="error-rate")].result'
must_wait "verification resumed: revision 2 last known good" 60 field_is rbp/web '.status.lastKnownGoodRevision' 2
good=$(date +%s.%3N)
check "phase Healthy" equals "$(phase_of web)" Healthy
timeline
echo "FIGURE $rg_name Prometheus stopped -> Inconclusive $(elapsed "$stopped" "$inconclusive") s; back -> last known good $(elapsed "$back" "$good") s"
finish
