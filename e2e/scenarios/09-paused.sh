#!/usr/bin/env bash
# Scenario 9: spec.paused: true. The policy keeps measuring (v2's error rate shows as failing in
# status) but never acts: no rollback, no hold. Unpaused, it rolls v2 back.
#   usage: e2e/scenarios/09-paused.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init paused "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_error_rate 0.05)"
k patch rbp web --type merge -p '{"spec":{"paused":true}}' >/dev/null
eventually 20 "phase Paused" '^Paused$' phase_of web
deploy web v2 --load-rps 20 --error-ratio 0.3
eventually 60 "still measured: error-rate Fail for revision 2" '^2 Fail$' \
  jp rbp/web '.status.currentRevision} {.status.slos[?(@.name=="error-rate")].result'
rg_log "measured: $(jp rbp/web '.status.slos[0].value') > $(jp rbp/web '.status.slos[0].threshold'): $(jp rbp/web '.status.slos[0].message')"
sleep 6 # twice failureThreshold x interval: a live policy would have rolled back by now
check "never acted on: revision 2, image v2, not paused" \
  equals "$(revision_of web) $(image_of web) $(jp deployment/web .spec.paused)" "2 rollguard/demo-app:v2 "
check "phase still Paused" equals "$(phase_of web)" Paused
check "no rollback (no lastRollback, no RolledBack Event, rollguard_rollbacks_total 0)" \
  equals "$(jp rbp/web '.status.lastRollback.fromRevision')|$(count_events RolledBack web)|$(rollbacks_total)" "|0|0"

rg_log "unpausing the policy"
k patch rbp web --type merge -p '{"spec":{"paused":false}}' >/dev/null
must_wait "unpaused, v2 rolled back" 60 field_is rbp/web '.status.lastRollback.fromRevision' 2
eventually 30 "the template is v1 again" '^rollguard/demo-app:v1$' image_of web
check "exactly one rollback" equals "$(count_events RolledBack web) $(rollbacks_total)" "1 1"
timeline
finish
