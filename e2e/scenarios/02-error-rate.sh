#!/usr/bin/env bash
# Scenario 2: an error-rate breach measured by real PromQL over the demo-app's scraped metrics.
# v2 answers 30 % of requests with 500; the policy allows 5 %; rollguard rolls back to v1.
#   usage: e2e/scenarios/02-error-rate.sh [BIN_DIR]     (KUBECONFIG set: a real cluster)
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init error-rate "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_error_rate 0.05)"
expect_rollback web web v2 --error-ratio 0.3
# The policy as recorded (every change, by kubectl --watch): lastKnownGoodRevision never named the
# rejected revision 2, not even for a moment after the patch.
check "lastKnownGoodRevision was never 2 (the rejected revision)" \
  equals "$(recorded policy | awk -F'|' '$3 == "2"' | head -3)" ""
step "the RolledBack Event names the revision the template came back as (3)" '^RolledBack: .*now revision 3' event_list web
check "the failing SLO was error-rate" equals "$(jp rbp/web '.status.lastRollback.measurements[?(@.result=="Fail")].name')" error-rate
check "reason SLOBreached" equals "$(jp rbp/web '.status.lastRollback.reason')" SLOBreached
check "the measured error rate is in the status (> 0.05)" between 0.05 1 "$(jp rbp/web '.status.lastRollback.measurements[?(@.name=="error-rate")].value')"
check "PromQL agrees: v2's error ratio is about 30 %" promql_between \
  "sum(rate(http_requests_total{pod_template_hash=\"$(hash_of_revision web 2)\",code=~\"5..\"}[1m])) / sum(rate(http_requests_total{pod_template_hash=\"$(hash_of_revision web 2)\"}[1m]))" 0.1 0.6
finish
