#!/usr/bin/env bash
# Scenario 15: webhook notifications, at least once across a controller crash. A local receiver
# (e2e/lib/webhook-receiver.py) is a webhook receiver whose URL is in a Secret; it answers 503 to
# its first 4 requests. v2 breaches its error-rate SLO; the API server refuses every Deployment
# patch (kube-sim faults), so the controller is stuck between the breach and the rollback, with
# SLOBreached and RollbackStarted in the status's outbox, not yet delivered: it is killed (-9)
# there. A fresh controller delivers them and resumes the rollback. The receiver accepts
# SLOBreached, RollbackStarted, RolledBack and Recovered exactly once each (one idempotency key
# each, the same body on every attempt), with the SLO values; the outbox ends empty and the URL is
# in no log.
#   usage: e2e/scenarios/15-webhook-notifications.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init webhook-notifications "$@"
real_cluster && skip "injects API faults into kube-sim and kills the controller"
harness_start
start_receiver oncall --mode fail-first --fail-count 4
start_controller
notifications='  notifications:
    webhooks:
    - name: oncall
      urlSecretRef: {name: oncall-webhook, key: url}
      timeout: 2s'
start_with_good_v1 web web "$(slo_error_rate 0.05)" "$notifications"
check "nothing sent while v1 was verified and promoted" equals "$(received_events oncall)" ""

applied=$(date +%s.%3N)
rg_log "rolling out v2 (30 % errors), then every Deployment patch refused"
deploy web v2 --load-rps 20 --error-ratio 0.3
# From now on (seconds before the breach can count 3 failures) the rollback is decided, its intent
# written, and its patch refused.
sim_admin PUT /admin/faults '{"errors": [{"verb": "patch", "resource": "deployments", "share": 1, "code": 503}]}' >/dev/null
must_wait "the rollback intent in status" 90 field_is rbp/web '.status.phase' RollingBack
must_wait "RollbackStarted at the receiver" 30 grep -q RollbackStarted "$rg_work/oncall.hook"
got_started=$(date +%s.%3N)
check "the Deployment still runs v2 (the patch was refused)" equals "$(image_of web)" rollguard/demo-app:v2
kill -9 "$RG_CTRL_PID"
wait "$RG_CTRL_PID" 2>/dev/null
killed=$(date +%s.%3N)
outbox_at_kill=$(jp rbp/web '.status.notifications.outbox[*].event')
rg_log "controller killed (-9) between the breach and the rollback; outbox: $outbox_at_kill"
check "SLOBreached and RollbackStarted were in the outbox, undelivered, at the kill" \
  equals "$outbox_at_kill" "SLOBreached RollbackStarted"
sim_admin DELETE /admin/faults >/dev/null
start_controller

must_wait "revision 2 rolled back by the new controller" 90 field_is rbp/web '.status.lastRollback.fromRevision' 2
must_wait "lastRollback.completedAt" 60 bash -c "[[ -n \$(kubectl --kubeconfig $KUBECONFIG_FILE -n $RG_NS get rbp/web -o jsonpath='{.status.lastRollback.completedAt}') ]]"
must_wait "RolledBack at the receiver" 30 grep -q RolledBack "$rg_work/oncall.hook"
got_rolled_back=$(date +%s.%3N)
must_wait "Recovered at the receiver (v1 back and stable)" 90 grep -q Recovered "$rg_work/oncall.hook"
got_recovered=$(date +%s.%3N)
must_wait "the outbox empty (every delivery confirmed in status)" 30 field_is rbp/web '.status.notifications.outbox' ''
sleep 3 # a few intervals more: nothing else may arrive

rg_log "received (event, idempotency key, text):"
received oncall | sed 's/^/    /'
check "each event under one idempotency key (parallel deliveries: any order)" \
  equals "$(received_events oncall | tr ' ' '\n' | sort | paste -sd' ')" "Recovered RollbackStarted RolledBack SLOBreached"
deliveries=$(wc -l <"$rg_work/oncall.hook")
distinct=$(received oncall | awk '{print $2}' | sort -u | wc -l)
check "a repeated delivery (the crash) carries the same key and body" python3 - "$rg_work/oncall.hook" <<'PY'
import json, sys
bodies = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = r["idempotencyKey"]
    if r["body"].get("idempotencyKey") != key: sys.exit("header %s != body %s" % (key, r["body"].get("idempotencyKey")))
    if key in bodies and bodies[key] != r["body"]: sys.exit("key %s with two bodies" % key)
    bodies[key] = r["body"]
PY
check "each event accepted (HTTP 200) exactly once" python3 - "$rg_work/oncall.hook" <<'PY'
import collections, json, sys
ok = collections.Counter(json.loads(l)["body"]["event"] for l in open(sys.argv[1]) if json.loads(l)["answered"] == 200)
want = {e: 1 for e in ("SLOBreached", "RollbackStarted", "RolledBack", "Recovered")}
sys.exit(0 if dict(ok) == want else "accepted: %s" % dict(ok))
PY
rolled=$(received_json oncall RolledBack)
check "RolledBack: fromRevision 2, toRevision 1, reason SLOBreached" \
  equals "$(json_field "$rolled" '"%s %s %s" % (b["fromRevision"], b["toRevision"], b["reason"])')" "2 1 SLOBreached"
step "RolledBack: the text is one line with the SLO" '^rollguard: web rolled back 2 → 1 in [^ ]+: error-rate [0-9.]+ > 0\.05' \
  json_field "$rolled" 'b["text"]'
check "RolledBack: the failing SLO with its value (> 0.05) and threshold" \
  between 0.05 1 "$(json_field "$rolled" '[s for s in b["slos"] if s["name"] == "error-rate"][0]["value"]')"
check "RolledBack: threshold of error-rate" equals "$(json_field "$rolled" 'b["slos"][0]["threshold"]')" "<= 0.05"
check "RolledBack: detectedAt, startedAt, completedAt, time" \
  equals "$(json_field "$rolled" 'all(b.get(k) for k in ("detectedAt", "startedAt", "completedAt", "time"))')" True
check "RolledBack: severity, namespace, deployment, policy" \
  equals "$(json_field "$rolled" '" ".join([b["severity"], b["namespace"], b["deployment"], b["policy"]])')" "warning $RG_NS web web"
check "the status's delivered keys are the received ones" python3 - "$(jp rbp/web '.status.notifications.delivered')" "$(received oncall | awk '{print $2}' | sort -u | paste -sd' ')" <<'PY'
import json, sys
delivered = set(json.loads(sys.argv[1] or "[]")); got = set(sys.argv[2].split())
sys.exit(0 if got <= delivered else "received %s, delivered %s" % (got, delivered))
PY
check "the incident is closed" equals "$(jp rbp/web '.status.notifications.incident')" ""
check "rollguard_notifications_total{result=delivered} on the new controller" \
  bash -c "curl -s $RG_METRICS_URL | grep -E '^rollguard_notifications_total\\{.*receiver=\"oncall\".*result=\"delivered\"' "
port=$(<"$rg_work/oncall.port")
check "the webhook URL (a Secret value) is in no controller log" \
  bash -c "! grep -q -- '$port' '$rg_work/controller.log'"

started_at=$(jp rbp/web '.status.lastRollback.startedAt')
echo "FIGURE $rg_name v2 applied -> RollbackStarted at the receiver $(elapsed "$applied" "$got_started") s;" \
  "kill -9 -> RolledBack at the receiver (from the new controller) $(elapsed "$killed" "$got_rolled_back") s;" \
  "RolledBack -> Recovered $(elapsed "$got_rolled_back" "$got_recovered") s; $deliveries deliveries for $distinct keys" \
  "(rollback startedAt $started_at)"
finish
