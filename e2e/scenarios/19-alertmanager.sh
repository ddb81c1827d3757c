#!/usr/bin/env bash
# Scenario 19: Alertmanager as a receiver, Debian's real prometheus-alertmanager. v2 breaches its
# error-rate SLO and is rolled back; Alertmanager shows the RollguardRollback alert (labels policy,
# namespace, deployment, severity) while the Deployment runs the restored revision, re-posted every
# 2 s (--alert-repeat 2) so it never expires meanwhile, and the alert is resolved (gone from GET
# /api/v2/alerts) once the restored revision met its SLOs for the stabilization window (Recovered).
#   usage: e2e/scenarios/19-alertmanager.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init alertmanager "$@"
real_cluster && skip "runs its Alertmanager on this machine's loopback"
harness_start
start_alertmanager
start_controller --alert-repeat 2
# A longer window than the other scenarios: the time the alert stays after the rollback.
export RG_STABILIZATION=10s
notifications="  notifications:
    alertmanagers:
    - name: am
      url: $RG_AM_URL"
start_with_good_v1 web web "$(slo_error_rate 0.05)" "$notifications"
check "no alert while v1 is healthy" equals "$(am_alerts web)" ""

applied=$(date +%s.%3N)
rg_log "rolling out v2 (30 % errors)"
deploy web v2 --load-rps 20 --error-ratio 0.3
alert_active() { [[ -n $(am_alerts web) ]]; }
alert_gone() { [[ -z $(am_alerts web) ]]; }
must_wait "an alert in Alertmanager" 90 alert_active
alert_seen=$(date +%s.%3N)
rg_log "alert: $(am_alerts web)"
must_wait "revision 2 rolled back" 60 field_is rbp/web '.status.lastRollback.fromRevision' 2
must_wait "lastRollback.completedAt" 60 bash -c "[[ -n \$(kubectl --kubeconfig $KUBECONFIG_FILE -n $RG_NS get rbp/web -o jsonpath='{.status.lastRollback.completedAt}') ]]"
rolled_back=$(date +%s.%3N)
eventually 10 "the alert is active while the Deployment runs the restored revision" \
  "^active alertname=RollguardRollback severity=warning deployment=web namespace=$RG_NS " am_alerts web
eventually 10 "its summary is the latest event's line" "rolled back 2 → 1 in $RG_NS: error-rate" am_alerts web
rg_log "alert while rolled back: $(am_alerts web)"
check "exactly one alert for the policy" equals "$(am_alerts web | wc -l)" 1
check "phase RolledBack" equals "$(phase_of web)" RolledBack
updated=$(am_alerts web updatedAt)
sleep 3
check "re-posted while it lasts (updatedAt moved: $updated -> $(am_alerts web updatedAt))" \
  bash -c "[[ -n '$updated' && '$(am_alerts web updatedAt)' != '$updated' ]]"
check "still one alert, its endsAt within 4 re-posts (8 s)" python3 - "$(am_alerts web endsAt)" <<'PY'
import sys, time
from datetime import datetime
ends = [datetime.fromisoformat(e.replace("Z", "+00:00")).timestamp() for e in sys.argv[1].split()]
sys.exit(0 if len(ends) == 1 and 0 < ends[0] - time.time() <= 9 else "endsAt %s" % sys.argv[1])
PY
check "the incident is open in status" bash -c "[[ -n \$(kubectl --kubeconfig $KUBECONFIG_FILE -n $RG_NS get rbp/web -o jsonpath='{.status.notifications.incident.since}') ]]"

must_wait "the alert resolved (gone from /api/v2/alerts)" 90 alert_gone
resolved=$(date +%s.%3N)
check "the incident is closed in status" equals "$(jp rbp/web '.status.notifications.incident')" ""
eventually 20 "the outbox is empty (each post confirmed)" '^$' jp rbp/web '.status.notifications.outbox'
check "rollguard_notifications_total{receiver=am,event=Recovered,result=delivered}" \
  bash -c "curl -s $RG_METRICS_URL | grep -E '^rollguard_notifications_total\\{.*event=\"Recovered\".*receiver=\"am\".*result=\"delivered\"|^rollguard_notifications_total\\{.*receiver=\"am\".*event=\"Recovered\".*result=\"delivered\"'"
rg_log "notifications: $(curl -s "$RG_METRICS_URL" | grep '^rollguard_notifications_total' | paste -sd' ')"

echo "FIGURE $rg_name v2 applied -> alert in Alertmanager $(elapsed "$applied" "$alert_seen") s;" \
  "rolled back (completedAt seen) -> alert resolved $(elapsed "$rolled_back" "$resolved") s (stabilizationWindow 10s);" \
  "alert visible for $(elapsed "$alert_seen" "$resolved") s"
finish
