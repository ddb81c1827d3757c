#!/usr/bin/env bash
# Scenario 21: the controller SIGKILLed between a rollback's intent and its confirmation; a new
# controller finishes the rollback, and there is exactly one, counted three ways (the highest
# ReplicaSet revision, RolledBack Events, rollguard_rollbacks_total over both controllers) and in
# kube-sim's request log (the Deployment PATCHes it answered 200).
#  a) killed with the rollback patch in flight: kube-sim holds the PATCH of the Deployment 15 s
#     (a delay fault) after the intent is in status; kill -9 there; the new controller resumes with
#     the same preconditioned patch, which lands; the dead controller's held patch is then served
#     and refused (422: its resourceVersion test fails), so it cannot roll back a second time.
#  b) killed after the patch landed but before the confirmation: the PATCH is held 3 s, meanwhile
#     every status write of the policy is refused (503); the patch lands, the confirmation cannot
#     be written; kill -9; the new controller confirms from what it observes, sending no patch.
#   usage: e2e/scenarios/21-sigkill-mid-rollback.sh [BIN_DIR]     (kube-sim only)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init sigkill-mid-rollback "$@"
real_cluster && skip "injects API faults into kube-sim and kills the controller"
# debug: kube-sim logs every request from the network it answered ("client: PATCH /apis/... -> 200"),
# the request log below (its simulated controllers' requests are not in it).
harness_start --log-level debug
start_controller
start_with_good_v1 web web "$(slo_error_rate 0.05)"

sim_log=$rg_work/kube-sim.log
dep_path=/apis/apps/v1/namespaces/$RG_NS/deployments/web
# since LINE CODE_ERE: the PATCHes of the Deployment kube-sim answered with CODE after log line LINE.
since() { tail -n +"$(($1 + 1))" "$sim_log" | grep -cE "client: PATCH $dep_path -> $2\$"; }
log_has() { tail -n +"$(($1 + 1))" "$sim_log" | grep -qE "$2"; }
# rollbacks_of NAME: rollguard_rollbacks_total of one (living) controller.
rollbacks_of() { metric_sum "${CTRL_METRICS[$1]}" rollguard_rollbacks_total | cut -d. -f1; }
pending() { jp rbp/web '.status.pendingRollback.toRevision'; }
completed_from() { [[ $(jp rbp/web '.status.lastRollback.fromRevision') == "$1" && -n $(jp rbp/web '.status.lastRollback.completedAt') ]]; }

# the_one_rollback CASE BAD_REV GOOD_REV ROLLBACKS_OF_KILLED EVENTS_BEFORE: the checks both cases end with.
the_one_rollback() {
  local c=$1 bad=$2 good=$3 killed=$4 events_before=$5
  eventually 60 "$c: the rollout of the restored template completes" '' rollout_available web
  sleep "${RG_SETTLE:-5}" # a few intervals more: nothing else may happen
  check "$c: the template is v1 again" equals "$(image_of web)" rollguard/demo-app:v1
  check "$c: the Deployment's revision is $((bad + 1)), none after it (one rollback)" \
    equals "$(revision_of web) $(highest_revision web)" "$((bad + 1)) $((bad + 1))"
  check "$c: exactly one RolledBack Event for this rollout" \
    equals "$(($(count_events RolledBack web) - events_before))" 1
  check "$c: rollguard_rollbacks_total over both controllers is 1 (killed: $killed, new: $(rollbacks_of "$new"))" \
    equals "$((killed + $(rollbacks_of "$new")))" 1
  check "$c: status: lastRollback $bad -> $good, completed, nothing pending" \
    equals "$(jp rbp/web '.status.lastRollback.fromRevision') -> $(jp rbp/web '.status.lastRollback.toRevision') $(pending)" "$bad -> $good "
  step "$c: status phase after the rollback" '^(RolledBack|Verifying|Healthy)$' phase_of web
  check "$c: lastKnownGoodRevision never named the rejected revision $bad" \
    equals "$(recorded policy | awk -F'|' -v r="$bad" '$3 == r' | head -3)" ""
  step "$c: the RolledBack Event names revision $((bad + 1))" "^RolledBack: .*now revision $((bad + 1))" event_list web
}

# --- a) the patch in flight at the kill ----------------------------------------------------------
events_before=$(count_events RolledBack web)
rg_log "a) rolling out v2 (30 % errors); every PATCH of a Deployment held 15 s"
deploy web v2 --load-rps 20 --error-ratio 0.3
mark=$(wc -l <"$sim_log") # after kubectl's PATCH (logged before it was answered)
# Set after kubectl's own apply (a PATCH too): from now on only rollguard patches the Deployment.
sim_admin PUT /admin/faults '{"delays": [{"verb": "patch", "resource": "deployments", "ms": 15000}]}' >/dev/null
RG_WAIT_NOTE="phase_of web" must_wait "a: the rollback patch held by kube-sim" 90 \
  log_has "$mark" "fault: patch deployments $dep_path delayed"
held_at=$(date +%s.%3N)
check "a: the intent is in status (pendingRollback to revision 1, phase RollingBack)" \
  equals "$(pending) $(phase_of web)" "1 RollingBack"
killed_rollbacks=$(rollbacks_of a)
kill -9 "${CTRL_PID[a]}"
wait "${CTRL_PID[a]}" 2>/dev/null
rg_log "a) controller a killed (-9) with its patch in flight (rollbacks_total was $killed_rollbacks)"
check "a: the Deployment still runs v2" equals "$(image_of web)" rollguard/demo-app:v2
sim_admin DELETE /admin/faults >/dev/null
start_controller b
new=b
must_wait "a: revision 2 rolled back by the new controller" 60 completed_from 2
resumed_at=$(date +%s.%3N)
check "a: the new controller's patch landed before the dead one's was served" \
  equals "$(since "$mark" '[0-9]+')" 1
served_twice() { (($(since "$mark" '[0-9]+') >= 2)); }
must_wait "a: the dead controller's held patch served" 30 served_twice
check "a: kube-sim accepted exactly one PATCH of the Deployment (200)" equals "$(since "$mark" 200)" 1
check "a: the dead controller's patch was refused by its precondition (422)" equals "$(since "$mark" 422)" 1
the_one_rollback a 2 1 "$killed_rollbacks" "$events_before"
echo "FIGURE $rg_name a: patch held -> rolled back by the new controller $(elapsed "$held_at" "$resumed_at") s (incl. kill and start)"

# --- b) killed after the patch landed, before the confirmation ----------------------------------
wait_last_known_good web 3 60
b_before=$(rollbacks_of b) # controller b's rollback of case a
events_before=$(count_events RolledBack web)
rg_log "b) rolling out v3 (30 % errors); the PATCH of the Deployment held 3 s"
deploy web v3 --load-rps 20 --error-ratio 0.3
mark=$(wc -l <"$sim_log")
sim_admin PUT /admin/faults '{"delays": [{"verb": "patch", "resource": "deployments", "ms": 3000}]}' >/dev/null
RG_WAIT_NOTE="phase_of web" must_wait "b: the rollback patch held by kube-sim" 90 \
  log_has "$mark" "fault: patch deployments $dep_path delayed"
# The intent is written; the held patch will land: from now on no status write of the policy succeeds.
sim_admin PUT /admin/faults '{"errors": [{"verb": "patch", "resource": "rollbackpolicies", "share": 1, "code": 503}]}' >/dev/null
check "b: the intent is in status" equals "$(pending) $(phase_of web)" "3 RollingBack"
must_wait "b: the held patch landed (template v1)" 20 field_is deployment/web '.spec.template.spec.containers[0].image' rollguard/demo-app:v1
counted() { (($(rollbacks_of b) > b_before)); }
must_wait "b: controller b counted its rollback" 10 counted
must_wait "b: the confirmation's status write refused" 20 log_has "$mark" "fault: patch rollbackpolicies answered 503"
check "b: status still holds the intent, not the confirmation" equals "$(pending) $(phase_of web)" "3 RollingBack"
killed_rollbacks=$(($(rollbacks_of b) - b_before))
kill -9 "${CTRL_PID[b]}"
wait "${CTRL_PID[b]}" 2>/dev/null
killed_at=$(date +%s.%3N)
rg_log "b) controller b killed (-9) after its patch, before its confirmation (rollbacks_total was $killed_rollbacks)"
sim_admin DELETE /admin/faults >/dev/null
start_controller c
new=c
must_wait "b: revision 4 confirmed by the new controller" 60 completed_from 4
confirmed_at=$(date +%s.%3N)
the_one_rollback b 4 3 "$killed_rollbacks" "$events_before"
check "b: kube-sim received exactly one PATCH of the Deployment (the new controller sent none)" \
  equals "$(since "$mark" '[0-9]+') $(since "$mark" 200)" "1 1"
step "b: the new controller confirmed without a patch (no 'rollback of deployment' in its log)" '^0$' \
  bash -c "grep -c 'rollback of deployment' '$rg_work/controller-c.log' || true"
rg_log "timeline:"
timeline
echo "FIGURE $rg_name b: kill -9 -> confirmed by the new controller $(elapsed "$killed_at" "$confirmed_at") s (incl. start)"
finish
