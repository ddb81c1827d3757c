#!/usr/bin/env bash
# Scenario 3: /health fails on the new pods only (the old ones stay healthy): the http SLO probes
# every ready pod of the revision under test by pod IP, so v2 is rolled back.
#   usage: e2e/scenarios/03-health-new-pods.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init health-new-pods "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_health)"
expect_rollback web web v2 --unhealthy
check "the failing SLO was health" equals "$(jp rbp/web '.status.lastRollback.measurements[?(@.result=="Fail")].name')" health
if ! real_cluster; then
  ip=$(k get pods -l app=web -o jsonpath='{.items[0].status.podIP}')
  check "the v1 pods answer /health 200 ($ip)" equals "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$ip:$RG_POD_PORT/health")" 200
fi
finish
