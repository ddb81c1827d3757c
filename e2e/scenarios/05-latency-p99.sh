#!/usr/bin/env bash
# Scenario 5: p99 latency breach. v1 answers in about 10 ms, v2 in about 400 ms; the policy allows
# a p99 of 250 ms (histogram_quantile over the real histogram); v2 is rolled back.
#   usage: e2e/scenarios/05-latency-p99.sh [BIN_DIR]
set -uo pipefail
source "$(dirname "$0")/../lib/harness.sh"
harness_init latency-p99 "$@"
harness_start
start_controller

start_with_good_v1 web web "$(slo_latency 0.99 0.25)" "" --latency-ms 10 --latency-jitter-ms 5
expect_rollback web web v2 --latency-ms 400 --latency-jitter-ms 50
check "the failing SLO was latency-p99" equals "$(jp rbp/web '.status.lastRollback.measurements[?(@.result=="Fail")].name')" latency-p99
check "the measured p99 is above 0.25 s" between 0.25 100 "$(jp rbp/web '.status.lastRollback.measurements[?(@.name=="latency-p99")].value')"
finish
