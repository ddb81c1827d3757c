# shellcheck shell=bash
# The e2e harness: a clean kube-sim (HTTPS + token, pods as demo-app processes, a Prometheus
# file_sd targets file), Debian's real Prometheus scraping those pods every second, the controller
# binary, and the real kubectl. Scenarios source this file, call harness_start, drive kubectl and
# assert on what kubectl shows. Every process started here is stopped on exit, also on Ctrl-C.
#
# With KUBECONFIG set and RG_REAL_CLUSTER=1 the scenario runs against that cluster instead (the
# demo-app image must be pullable there; Prometheus must be reachable at RG_PROMETHEUS_URL).
#
#   RG_BIN        directory of kube-sim, rollguard-controller, demo-app (default build/bin)
#   RG_INTERVAL   evaluation interval of the policies the scenarios apply (default 1s)
#   RG_VERBOSE=1  echo every kubectl command

rg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RG_BIN=${RG_BIN:-$rg_root/build/bin}
rg_pids=()
rg_work=""
rg_started=$(date +%s.%N)

rg_log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
rg_die() {
  rg_log "FATAL: $*" >&2
  exit 1
}

# A free TCP port on loopback (the kernel picks it; a tiny race with other scenarios is retried by
# the callers' readiness waits failing loudly, never silently).
rg_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rg_cleanup() {
  local pid
  for pid in "${rg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${rg_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rg_pids=()
  if [[ -n $rg_work && -z ${RG_KEEP_WORK:-} ]]; then rm -rf "$rg_work"; fi
}

# harness_init NAME: work directory and the exit trap.
harness_init() {
  rg_work=$(mktemp -d "/tmp/rollguard-e2e-$1.XXXXXX")
  trap rg_cleanup EXIT
  trap 'exit 130' INT TERM
}

k() {
  [[ -n ${RG_VERBOSE:-} ]] && rg_log "kubectl $*" >&2
  kubectl --kubeconfig "$KUBECONFIG_FILE" --cache-dir "$rg_work/kubectl-cache" --request-timeout=20s "$@"
}

# wait_for DESCRIPTION SECONDS CMD...: polls CMD every 0.5 s until it succeeds; prints progress every
# 10 s; returns 1 (after printing what was waited for) when SECONDS pass.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local start now next_note
  start=$(date +%s)
  next_note=$((start + 10))
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    now=$(date +%s)
    if ((now - start >= seconds)); then
      rg_log "timed out after ${seconds}s waiting for: $what" >&2
      return 1
    fi
    if ((now >= next_note)); then
      rg_log "  ... still waiting for $what ($((now - start))s)"
      next_note=$((now + 10))
    fi
    sleep 0.5
  done
}

# jp KIND/NAME JSONPATH: one field through kubectl.
jp() { k get "$1" -o "jsonpath={$2}" 2>/dev/null; }
# field_is KIND/NAME JSONPATH VALUE
field_is() { [[ "$(jp "$1" "$2")" == "$3" ]]; }

rg_failures=0
rg_checks=0
# check NAME CMD...: one assertion, counted.
check() {
  local name=$1
  shift
  rg_checks=$((rg_checks + 1))
  if "$@"; then
    rg_log "PASS  $name"
  else
    rg_log "FAIL  $name"
    rg_failures=$((rg_failures + 1))
  fi
}
# finish: prints the tally and exits non-zero when any check failed.
finish() {
  rg_log "$rg_checks checks, $rg_failures failed"
  if ((rg_failures)); then
    rg_log "--- controller log (last 60 lines) ---"
    tail -60 "$rg_work/controller.log" 2>/dev/null
    exit 1
  fi
  exit 0
}

# start_kube_sim [FLAGS...]
start_kube_sim() {
  [[ -x $RG_BIN/kube-sim ]] || rg_die "$RG_BIN/kube-sim not found (build it first)"
  KUBECONFIG_FILE=$rg_work/kubeconfig
  RG_TARGETS=$rg_work/targets.json
  echo '[]' >"$RG_TARGETS"
  # e2e/pod-runner.yaml runs rollguard/demo-app:* pods as $ROLLGUARD_BIN_DIR/demo-app processes.
  ROLLGUARD_BIN_DIR=$RG_BIN "$RG_BIN/kube-sim" --port 0 --kubeconfig-out "$KUBECONFIG_FILE" \
    --targets-file "$RG_TARGETS" --pod-runner-config "$rg_root/e2e/pod-runner.yaml" \
    --pod-ready-delay 0.2 --bookmark-interval-ms 1000 \
    --pki-dir "$rg_work/pki" "$@" >"$rg_work/kube-sim.log" 2>&1 &
  RG_SIM_PID=$!
  rg_pids+=("$RG_SIM_PID")
  for _ in $(seq 200); do
    [[ -s $KUBECONFIG_FILE ]] && break
    kill -0 "$RG_SIM_PID" 2>/dev/null || { cat "$rg_work/kube-sim.log"; rg_die "kube-sim exited early"; }
    sleep 0.05
  done
  [[ -s $KUBECONFIG_FILE ]] || rg_die "kube-sim did not write its kubeconfig"
  export KUBECONFIG_FILE
}

# start_prometheus: Debian's prometheus on a free loopback port, scraping the pods every second.
start_prometheus() {
  local prom
  prom=$(command -v prometheus || echo /usr/bin/prometheus)
  [[ -x $prom ]] || rg_die "prometheus not installed (scripts/bootstrap installs it)"
  RG_PROM_PORT=$(rg_free_port)
  RG_PROMETHEUS_URL=http://127.0.0.1:$RG_PROM_PORT
  cat >"$rg_work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms}
scrape_configs:
- job_name: pods
  file_sd_configs: [{files: ["$RG_TARGETS"], refresh_interval: 1s}]
YAML
  "$prom" --config.file "$rg_work/prometheus.yml" --storage.tsdb.path "$rg_work/prometheus-data" \
    --web.listen-address "127.0.0.1:$RG_PROM_PORT" --web.enable-lifecycle \
    --storage.tsdb.retention.time 1h >"$rg_work/prometheus.log" 2>&1 &
  RG_PROM_PID=$!
  rg_pids+=("$RG_PROM_PID")
  wait_for "Prometheus ready" 30 curl -sf "$RG_PROMETHEUS_URL/-/ready" || {
    tail -20 "$rg_work/prometheus.log"
    rg_die "prometheus did not start"
  }
  export RG_PROMETHEUS_URL
}

stop_prometheus() {
  kill -TERM "$RG_PROM_PID" 2>/dev/null
  wait "$RG_PROM_PID" 2>/dev/null
}

# start_controller [FLAGS...]: sets RG_CTRL_PID, RG_METRICS_URL.
start_controller() {
  [[ -x $RG_BIN/rollguard-controller ]] || rg_die "$RG_BIN/rollguard-controller not found"
  local metrics_port health_port log=${RG_CTRL_LOG:-$rg_work/controller.log}
  metrics_port=$(rg_free_port)
  health_port=$(rg_free_port)
  "$RG_BIN/rollguard-controller" --kubeconfig "$KUBECONFIG_FILE" --metrics-addr "127.0.0.1:$metrics_port" \
    --health-addr "127.0.0.1:$health_port" "$@" >>"$log" 2>&1 &
  RG_CTRL_PID=$!
  rg_pids+=("$RG_CTRL_PID")
  RG_METRICS_URL=http://127.0.0.1:$metrics_port/metrics
  RG_HEALTH_URL=http://127.0.0.1:$health_port
  wait_for "controller ready" 30 curl -sf "$RG_HEALTH_URL/readyz" || {
    tail -30 "$log"
    rg_die "controller did not become ready"
  }
}

# harness_start [KUBE_SIM_FLAGS...]: kube-sim + CRD + Prometheus (no controller: scenarios start it
# with their own flags).
harness_start() {
  start_kube_sim "$@"
  k apply -f "$rg_root/crds/" >/dev/null || rg_die "CRD apply failed"
  wait_for "CRD established" 20 k get rollbackpolicies
  start_prometheus
}

# deploy NAME VERSION [DEMO_APP_ARGS...]: applies (creates or changes) a demo-app Deployment with
# 2 replicas; the version goes into the image tag and the pod template, so each call with a new
# version is a new revision.
deploy() {
  local name=$1 version=$2
  shift 2
  local args="" a
  for a in "$@"; do args+="\"$a\", "; done
  k apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name, namespace: default, labels: {app: $name}}
spec:
  replicas: ${RG_REPLICAS:-2}
  progressDeadlineSeconds: ${RG_PROGRESS_DEADLINE:-600}
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name, version: "$version"}}
    spec:
      containers:
      - name: app
        image: rollguard/demo-app:$version
        args: [${args%, }]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
YAML
}

revision_of() { jp "deployment/$1" '.metadata.annotations.deployment\.kubernetes\.io/revision'; }
image_of() { jp "deployment/$1" '.spec.template.spec.containers[0].image'; }
phase_of() { jp "rbp/$1" '.status.phase'; }
rollout_available() {
  [[ "$(jp "deployment/$1" '.status.availableReplicas')" == "$(jp "deployment/$1" '.spec.replicas')" &&
    "$(jp "deployment/$1" '.status.updatedReplicas')" == "$(jp "deployment/$1" '.spec.replicas')" ]]
}

# Seconds since the epoch with milliseconds, and an RFC 3339 time to seconds since the epoch.
now_s() { date +%s.%N | cut -c1-14; }
to_epoch() { date -d "$1" +%s.%N | cut -c1-14; }
