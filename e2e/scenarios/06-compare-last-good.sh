#!/usr/bin/env bash
# Scenario 6: a query that compares the new pods with the last-known-good pods while both have
# samples ({{lastKnownGoodPodTemplateHash}}): v1 errs 5 % (so an absolute limit would not tell),
# v2 errs 30 %, six times as much; the policy fails when the new pods are more than 3x worse.
# Before there is a last known good (v1's own verification) the query compares v1 with itself.
#   usage: e2e/scenarios/06-compare-last-good.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init compare-last-good "$@"
harness_start
start_controller

ratio() { # ratio HASH_VARIABLE: the error ratio of one pod-template hash over 30 s
  echo "(sum(rate(http_requests_total{namespace=\"{{namespace}}\",pod_template_hash=\"{{$1}}\",code=~\"5..\"}[30s])) / sum(rate(http_requests_total{namespace=\"{{namespace}}\",pod_template_hash=\"{{$1}}\"}[30s])))"
}
slo=$(cat <<YAML
  - name: vs-last-good
    prometheus:
      address: $RG_PROM_FOR_POLICY
      query: '$(ratio podTemplateHash) - 3 * ($(ratio lastKnownGoodPodTemplateHash) or $(ratio podTemplateHash))'
      max: 0
      timeout: 2s
YAML
)
start_with_good_v1 web web "$slo" "" --error-ratio 0.05
v1_hash=$(jp rbp/web '.status.lastKnownGoodPodTemplateHash')
expect_rollback web web v2 --error-ratio 0.3
check "the failing SLO was vs-last-good" equals "$(jp rbp/web '.status.lastRollback.measurements[?(@.result=="Fail")].name')" vs-last-good
check "its value (new - 3 x last good) was above 0" between 0 1 "$(jp rbp/web '.status.lastRollback.measurements[?(@.name=="vs-last-good")].value')"
v2_hash=$(hash_of_revision web 2)
q="sum(rate(http_requests_total{pod_template_hash=\"%s\",code=~\"5..\"}[1m])) / sum(rate(http_requests_total{pod_template_hash=\"%s\"}[1m]))"
# shellcheck disable=SC2059
rg_log "PromQL now: v1 ($v1_hash) error ratio $(promql "$(printf "$q" "$v1_hash" "$v1_hash")"), v2 ($v2_hash) $(promql "$(printf "$q" "$v2_hash" "$v2_hash")")"
finish
