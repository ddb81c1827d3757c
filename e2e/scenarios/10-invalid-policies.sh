#!/usr/bin/env bash
# Scenario 10: policies that the CRD schema accepts but that are wrong: each gets Ready=False
# (reason InvalidSpec, phase Invalid) with a message naming the field, and another, valid policy
# keeps working beside them (its v1 becomes last known good, its bad v2 is rolled back).
#   usage: e2e/scenarios/10-invalid-policies.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init invalid-policies "$@"
harness_start
start_controller

prom=$RG_PROM_FOR_POLICY
# name|field the message must name|interval|SLOs (two SLOs of one name: the CRD's list-map key on
# spec.slos makes the API server refuse those, so they are not among these)
invalid=(
  "zero-interval|spec.interval|0s|  - {name: a, deployment: {}}"
  "no-kind|spec.slos[0]|1s|  - {name: nothing}"
  "two-kinds|spec.slos[0]|1s|  - {name: both, deployment: {}, http: {path: /health, port: 8080}}"
  "unknown-var|spec.slos[0].prometheus.query|1s|  - {name: q, prometheus: {address: '$prom', query: 'up{pod=\"{{podName}}\"}', max: 1}}"
  "min-over-max|spec.slos[0].prometheus.min|1s|  - {name: q, prometheus: {address: '$prom', query: up, min: 2, max: 1}}"
)
deploy web v1 --load-rps 20
for entry in "${invalid[@]}"; do
  IFS='|' read -r name _ interval slos <<<"$entry"
  RG_INTERVAL=$interval step "the schema accepts policy $name" 'created' policy_apply "$name" web "$slos"
done
# The valid one, on its own Deployment.
start_with_good_v1 good api "$(slo_error_rate 0.05)"
for entry in "${invalid[@]}"; do
  IFS='|' read -r name field _ _ <<<"$entry"
  check "kubectl wait --for=condition=Ready=false rbp/$name" k wait --for=condition=Ready=false "rbp/$name" --timeout=30s
  eventually 10 "rbp/$name: phase Invalid, reason InvalidSpec" '^Invalid InvalidSpec$' \
    jp "rbp/$name" '.status.phase} {.status.conditions[?(@.type=="Ready")].reason'
  msg=$(jp "rbp/$name" '.status.conditions[?(@.type=="Ready")].message')
  check "rbp/$name names $field: $msg" grep -qF -- "$field" <<<"$msg"
done
k get rbp
expect_rollback good api v2 --error-ratio 0.3
check "the invalid policies left the other Deployment alone (revision 1)" equals "$(revision_of web)" 1
finish
