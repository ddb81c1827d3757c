# shellcheck shell=bash
# The e2e harness, one for every script in e2e/ and for scripts/demo: a clean kube-sim (HTTPS +
# token, pods as demo-app processes through e2e/pod-runner.yaml, a Prometheus file_sd targets file),
# Debian's real Prometheus scraping those pods every second, the controller binary, and the real
# kubectl. A script sources this file, calls harness_init NAME [BIN_DIR] and harness_start, drives
# kubectl and asserts on what kubectl shows (step / eventually / check), then calls finish. Every
# process started here is stopped on exit, also on Ctrl-C.
#
# Isolation: as root, each script re-executes itself in a network namespace of its own (unshare),
# so parallel scripts never meet on a pod IP (kube-sim gives every instance 127.0.0.2, 127.0.0.3,
# ...) or a port; elsewhere, pods listen on $RG_POD_PORT (ctest gives each test its own).
#
# A real cluster instead of kube-sim: set KUBECONFIG (and RG_PROMETHEUS_URL), e.g. with kind:
#   kind create cluster
#   docker build -t rollguard/demo-app:v1 -f e2e/demo-app/Dockerfile .   # then tag v2, v3 alike
#   for t in v1 v2 v3; do docker tag rollguard/demo-app:v1 rollguard/demo-app:$t;
#     kind load docker-image rollguard/demo-app:$t; done                 # k3d: k3d image import
#   # a Prometheus that scrapes the pods with namespace, pod, pod_template_hash labels, e.g. the
#   # prometheus-community chart with pod annotations, port-forwarded to the machine:
#   export RG_PROMETHEUS_URL=http://127.0.0.1:9090 RG_PROMETHEUS_IN_CLUSTER=http://prometheus-server.monitoring
#   KUBECONFIG=~/.kube/config e2e/scenarios/02-error-rate.sh
# Each script then works in a namespace of its own (deleted at the end) and applies the CRD. The
# controller runs on this machine against that cluster (RG_CONTROLLER=installed: use the one
# installed by manifests/ or helm/ instead, needed for the http SLO, which probes pod IPs).
# Scenarios that stop Prometheus or inject kube-sim faults are skipped there (exit 77).
#
#   RG_BIN          directory of kube-sim, rollguard-controller, demo-app (default build/bin)
#   RG_POD_PORT     port of the demo-app pods (default 8080)
#   RG_CTRL_FLAGS   more controller flags, e.g. "--log-level debug"
#   RG_CRDS         directory of the CRD (default crds/)
#   RG_VERBOSE=1    echo every kubectl command
#   RG_KEEP_WORK=1  keep the work directory (logs, Prometheus data, recordings)
#   RG_NO_NETNS=1   stay in the caller's network namespace

rg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rg_pids=()
rg_groups=() # process groups (recorders: a kubectl --watch and its reader)
rg_work=""
rg_name=""
RG_NS=default
RG_POD_PORT=${RG_POD_PORT:-8080}

# The Debian python3 (scripts/bootstrap installs it) for the many short python3 runs here: a python3
# earlier on PATH may be a version manager's shim (pyenv: a bash script, then its own interpreter),
# which cost 8x the CPU per start on the project's machine. The scripts use the standard library only.
if [[ -x /usr/bin/python3 ]]; then python3() { /usr/bin/python3 "$@"; }; fi

rg_log() { printf '%s %s\n' "$(date -u +%H:%M:%S.%3N)" "$*"; }
rg_die() {
  rg_log "FATAL: $*" >&2
  exit 1
}

# Against a real cluster when KUBECONFIG names one (ctest clears it: scripts/test never touches one).
real_cluster() { [[ -n ${KUBECONFIG:-} ]]; }

# A free TCP port on loopback (the kernel picks it).
rg_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rg_cleanup() {
  local pid
  if real_cluster && [[ -n ${rg_ns_created:-} ]]; then
    kubectl delete namespace "$RG_NS" --wait=false >/dev/null 2>&1
  fi
  for pid in "${rg_groups[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  rg_groups=()
  # The newest first: the controller before Prometheus, kube-sim (and its pods) last.
  local i
  for ((i = ${#rg_pids[@]} - 1; i >= 0; i--)); do kill -TERM "${rg_pids[i]}" 2>/dev/null; done
  for pid in "${rg_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rg_pids=()
  if [[ -n $rg_work && -z ${RG_KEEP_WORK:-} ]]; then rm -rf "$rg_work"; fi
}

# harness_init NAME [BIN_DIR] [ARGS...]: network namespace (as root), work directory, exit trap.
# Call it as `harness_init NAME "$@"` from the top of a script: it may re-execute the script.
harness_init() {
  rg_name=$1
  [[ -n ${2:-} ]] && RG_BIN=$2
  RG_BIN=${RG_BIN:-$rg_root/build/bin}
  RG_BIN=$(cd "$RG_BIN" 2>/dev/null && pwd || echo "$RG_BIN")
  export RG_BIN
  if [[ -z ${RG_IN_NETNS:-} && -z ${RG_NO_NETNS:-} && $(id -u) == 0 ]] && ! real_cluster &&
    command -v unshare >/dev/null && command -v ip >/dev/null && unshare --net true 2>/dev/null; then
    # shellcheck disable=SC2016
    RG_IN_NETNS=1 exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' bash "$0" "${@:2}"
  fi
  rg_work=$(mktemp -d "/tmp/rollguard-e2e-$rg_name.XXXXXX")
  trap rg_cleanup EXIT
  trap 'exit 130' INT TERM
  rg_log "== $rg_name (work: $rg_work${RG_IN_NETNS:+, own network namespace})"
}

# kubectl against the cluster of this script, in its namespace. With RG_KUBECTL_RETRY=1 (API
# faults on) a command answered 5xx / 429 is tried again, up to 8 times (watches are not).
# GOMAXPROCS=1 GOGC=400 on every kubectl here: a kubectl run is mostly its Go runtime starting (~65 ms
# of CPU for a get, against a few ms of work) and a test run starts ~2000; one P and fewer garbage
# collections of its small heap cut that by a quarter (README "Build times"). Nothing else changes.
rg_kubectl() {
  GOMAXPROCS=1 GOGC=400 kubectl --kubeconfig "$KUBECONFIG_FILE" --cache-dir "$rg_work/kubectl-cache" -n "$RG_NS" \
    --request-timeout=20s "$@"
}
k() {
  [[ -n ${RG_VERBOSE:-} ]] && rg_log "kubectl $*" >&2
  if [[ -z ${RG_KUBECTL_RETRY:-} || $* == *--watch* ]]; then
    rg_kubectl "$@"
    return
  fi
  local input="" out err rc i
  [[ ! -t 0 && $* == *" -f -"* ]] && input=$(cat)
  for i in 1 2 3 4 5 6 7 8; do
    out=$(rg_kubectl "$@" <<<"$input" 2>"$rg_work/kubectl.err")
    rc=$?
    err=$(<"$rg_work/kubectl.err")
    if ((rc == 0)) || ! grep -qiE 'ServiceUnavailable|InternalError|TooManyRequests|too many requests|internal error|unavailable|\(50[0-9]\)|\(429\)' <<<"$err"; then
      break
    fi
    sleep 0.3
  done
  [[ -n $out ]] && printf '%s\n' "$out"
  [[ -n $err ]] && printf '%s\n' "$err" >&2
  return "$rc"
}

# wait_for DESCRIPTION SECONDS CMD...: polls CMD every 0.5 s until it succeeds; notes progress every
# 10 s; returns 1 (after saying what was waited for) when SECONDS pass.
# A wait for `field_is KIND/NAME JSONPATH VALUE` (VALUE not empty) is first one `kubectl wait
# --for=jsonpath` (a watch) instead of a kubectl get every 0.5 s: those waits started most of a
# run's kubectl processes. If that kubectl wait ends without the value (an error, a cut watch),
# the polling below takes over for the time left and decides, exactly as without it.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local start now next_note
  start=$(date +%s)
  if [[ $1 == field_is && $# == 4 && -n $4 && $3 != *=* && -z ${RG_KUBECTL_RETRY:-} ]] &&
    rg_kubectl wait --for="jsonpath={$3}=$4" "$2" --timeout="${seconds}s" >/dev/null 2>&1; then
    return 0
  fi
  next_note=$((start + 10))
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    now=$(date +%s)
    if ((now - start >= seconds)); then
      rg_log "timed out after ${seconds}s waiting for: $what" >&2
      return 1
    fi
    if ((now >= next_note)); then
      rg_log "  ... still waiting for $what ($((now - start))s)${RG_WAIT_NOTE:+: $($RG_WAIT_NOTE 2>/dev/null)}"
      next_note=$((now + 10))
    fi
    sleep 0.5
  done
}
# must_wait DESCRIPTION SECONDS CMD...: wait_for, and the script fails (with the logs) if it times out.
must_wait() { wait_for "$@" || fail_now "timed out: $1"; }

# jp KIND/NAME JSONPATH: one field through kubectl.
jp() { k get "$1" -o "jsonpath={$2}" 2>/dev/null; }
# field_is KIND/NAME JSONPATH VALUE
field_is() { [[ "$(jp "$1" "$2")" == "$3" ]]; }

# --- assertions: every one is counted; finish prints the tally --------------------------------------
rg_passed=0
rg_failed=0
# One try: sets rg_out and rg_rc; true when CMD succeeded and its output matched the ERE.
rg_attempt() {
  local regex=$1
  shift
  rg_out=$("$@" 2>&1)
  rg_rc=$?
  [[ $rg_rc -eq 0 ]] && grep -Eq -- "$regex" <<<"$rg_out"
}
rg_verdict() { # rg_verdict yes|no NAME HOW
  if [[ $1 == yes ]]; then
    rg_log "PASS  $2"
    rg_passed=$((rg_passed + 1))
    return 0
  fi
  rg_log "FAIL  $2 ($3, exit $rg_rc)"
  sed 's/^/      | /' <<<"$rg_out" | head -20
  rg_failed=$((rg_failed + 1))
  return 1
}
# step NAME REGEX CMD...: CMD must succeed and its output match REGEX.
step() {
  local name=$1 regex=$2
  shift 2
  if rg_attempt "$regex" "$@"; then rg_verdict yes "$name"; else rg_verdict no "$name" "wanted /$regex/"; fi
}
# eventually SECONDS NAME REGEX CMD...: step, retried every 0.5 s until it passes or time is up.
eventually() {
  local seconds=$1 name=$2 regex=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until rg_attempt "$regex" "$@"; do
    ((SECONDS >= deadline)) && { rg_verdict no "$name" "after ${seconds}s, wanted /$regex/"; return 1; }
    sleep 0.5
  done
  rg_verdict yes "$name"
}
# check NAME CMD...: CMD must succeed (its output is shown on failure).
check() {
  local name=$1
  shift
  step "$name" '' "$@"
}
# equals A B: for check (prints both when they differ).
equals() { [[ "$1" == "$2" ]] || { echo "got '$1', wanted '$2'"; return 1; }; }

rg_dump_logs() {
  local f
  for f in controller.log controller-b.log kube-sim.log prometheus.log; do
    [[ -s $rg_work/$f ]] || continue
    echo "--- $f (last ${RG_LOG_LINES:-40} lines)"
    tail -"${RG_LOG_LINES:-40}" "$rg_work/$f"
  done
}
fail_now() {
  rg_log "FAIL  $*"
  rg_failed=$((rg_failed + 1))
  finish
}
# finish: prints the tally ("N passed, N failed") and exits non-zero when any check failed.
finish() {
  echo
  echo "$rg_name: $rg_passed passed, $rg_failed failed"
  if ((rg_failed)); then
    rg_dump_logs
    exit 1
  fi
  exit 0
}
# skip WHY: not applicable here (ctest counts exit 77 as skipped).
skip() {
  rg_log "SKIP  $rg_name: $*"
  exit 77
}

# --- the cluster -----------------------------------------------------------------------------------
# start_kube_sim [FLAGS...]: sets KUBECONFIG_FILE, RG_TARGETS, RG_SIM_PID.
start_kube_sim() {
  [[ -x $RG_BIN/kube-sim ]] || rg_die "$RG_BIN/kube-sim not found (build it first)"
  [[ -x $RG_BIN/demo-app ]] || rg_die "$RG_BIN/demo-app not found (build it first)"
  command -v kubectl >/dev/null || rg_die "kubectl is not on PATH"
  KUBECONFIG_FILE=$rg_work/kubeconfig
  rg_sim_server="" # sim_admin reads the new kubeconfig
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

# sim_admin METHOD PATH [JSON]: kube-sim's admin endpoint (faults, cut-watches ...).
# The server and token are read from the kubeconfig once (they do not change while kube-sim runs).
sim_admin() {
  if [[ -z ${rg_sim_server:-} ]]; then
    rg_sim_server=$(GOMAXPROCS=1 GOGC=400 kubectl --kubeconfig "$KUBECONFIG_FILE" config view --raw -o 'jsonpath={.clusters[0].cluster.server}')
    rg_sim_token=$(GOMAXPROCS=1 GOGC=400 kubectl --kubeconfig "$KUBECONFIG_FILE" config view --raw -o 'jsonpath={.users[0].user.token}')
  fi
  curl -sS --fail-with-body --max-time 10 --cacert "$rg_work/pki/ca.crt" -H "Authorization: Bearer $rg_sim_token" \
    -X "$1" "$rg_sim_server$2" ${3:+-H 'Content-Type: application/json' -d "$3"}
}

# rg_await_ready WHAT URL LOG: waits (60 s) until URL answers 2xx; else dies with LOG's tail.
rg_await_ready() {
  wait_for "$1 ready" 60 curl -sf "$2" || {
    tail -20 "$3"
    rg_die "$1 did not start"
  }
}

# start_prometheus [PORT]: Debian's prometheus on loopback, scraping the pods every second; the
# same port and data directory again after stop_prometheus.
start_prometheus() {
  local prom
  prom=$(command -v prometheus || echo /usr/bin/prometheus)
  [[ -x $prom ]] || rg_die "prometheus not installed (scripts/bootstrap installs it)"
  RG_PROM_PORT=${1:-${RG_PROM_PORT:-$(rg_free_port)}}
  RG_PROMETHEUS_URL=http://127.0.0.1:$RG_PROM_PORT
  cat >"$rg_work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms}
scrape_configs:
- job_name: pods
  file_sd_configs: [{files: ["$RG_TARGETS"], refresh_interval: 1s}]
YAML
  "$prom" --config.file "$rg_work/prometheus.yml" --storage.tsdb.path "$rg_work/prometheus-data" \
    --web.listen-address "127.0.0.1:$RG_PROM_PORT" --storage.tsdb.retention.time 1h \
    --log.level warn >>"$rg_work/prometheus.log" 2>&1 &
  RG_PROM_PID=$!
  rg_pids+=("$RG_PROM_PID")
  rg_await_ready Prometheus "$RG_PROMETHEUS_URL/-/ready" "$rg_work/prometheus.log"
  export RG_PROMETHEUS_URL
}
stop_prometheus() {
  kill -TERM "$RG_PROM_PID" 2>/dev/null
  wait "$RG_PROM_PID" 2>/dev/null
}

# promql QUERY: the single value of an instant query, or the raw answer when it is not one sample.
promql() {
  curl -s --max-time 5 -G "$RG_PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys
a=json.load(sys.stdin); r=a.get("data",{}).get("result",[])
print(r[0]["value"][1] if a.get("status")=="success" and len(r)==1 else json.dumps(a))'
}
# between LOW HIGH VALUE: true when LOW < VALUE < HIGH (says the value otherwise).
between() {
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[3]) < float(sys.argv[2]) else 1)' \
    "$@" 2>/dev/null || { echo "value: $3"; return 1; }
}
promql_between() { between "$2" "$3" "$(promql "$1")"; }

# start_controller [NAME] [FLAGS...]: the controller (NAME "a" by default; log NAME != a in
# controller-NAME.log); sets RG_CTRL_PID, RG_METRICS_URL, RG_HEALTH_URL and CTRL_PID[NAME],
# CTRL_METRICS[NAME]. Waits for /readyz unless RG_CTRL_NO_WAIT=1 (a standby may not be ready).
declare -A CTRL_PID CTRL_METRICS CTRL_HEALTH
start_controller() {
  local name=a
  [[ ${1:-} != -* && -n ${1:-} ]] && { name=$1; shift; }
  if [[ ${RG_CONTROLLER:-} == installed ]]; then
    rg_log "using the controller installed in the cluster"
    return 0
  fi
  [[ -x $RG_BIN/rollguard-controller ]] || rg_die "$RG_BIN/rollguard-controller not found"
  local metrics_port health_port log=$rg_work/controller.log
  [[ $name == a ]] || log=$rg_work/controller-$name.log
  metrics_port=$(rg_free_port)
  health_port=$(rg_free_port)
  [[ $* == *leader-elect* ]] || set -- --leader-elect=false "$@"
  # shellcheck disable=SC2206
  [[ -n ${RG_CTRL_FLAGS:-} ]] && set -- "$@" $RG_CTRL_FLAGS
  "$RG_BIN/rollguard-controller" --kubeconfig "${RG_CTRL_KUBECONFIG:-$KUBECONFIG_FILE}" --metrics-addr "127.0.0.1:$metrics_port" \
    --health-addr "127.0.0.1:$health_port" "$@" >>"$log" 2>&1 &
  RG_CTRL_PID=$!
  rg_pids+=("$RG_CTRL_PID")
  RG_METRICS_URL=http://127.0.0.1:$metrics_port/metrics
  RG_HEALTH_URL=http://127.0.0.1:$health_port
  CTRL_PID[$name]=$RG_CTRL_PID
  CTRL_METRICS[$name]=$RG_METRICS_URL
  CTRL_HEALTH[$name]=$RG_HEALTH_URL
  if [[ -n ${RG_CTRL_NO_WAIT:-} ]]; then
    wait_for "controller $name serving" 30 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' $RG_HEALTH_URL/healthz) != 000 ]]"
  else
    wait_for "controller $name ready" 30 curl -sf "$RG_HEALTH_URL/readyz"
  fi || {
    tail -30 "$log"
    rg_die "controller $name did not start"
  }
  rg_log "controller $name: pid $RG_CTRL_PID, metrics $RG_METRICS_URL"
}

# metric_sum URL NAME: the sum of every sample of NAME (any labels) in a Prometheus text exposition.
metric_sum() {
  curl -s --max-time 5 "$1" | awk -v m="$2" '($1 == m || index($1, m "{") == 1) && $1 !~ /^#/ {s += $2} END {print s + 0}'
}
# metric_value URL SAMPLE: one sample line's value, e.g. 'http_requests_total{code="200"}'.
metric_value() { curl -s --max-time 5 "$1" | awk -v m="$2" '$1 == m {print $2}'; }
# rollbacks_total: rollguard_rollbacks_total over every controller of this script.
rollbacks_total() {
  local n total=0
  for n in "${!CTRL_METRICS[@]}"; do
    kill -0 "${CTRL_PID[$n]}" 2>/dev/null || continue
    total=$((total + $(metric_sum "${CTRL_METRICS[$n]}" rollguard_rollbacks_total | cut -d. -f1)))
  done
  echo "$total"
}

# install_controller_rbac: the ServiceAccount and RBAC of manifests/ exactly as shipped, plus their
# leader-election Role/RoleBinding in the test namespace too (scenarios elect in $RG_NS), and a
# kubeconfig with that ServiceAccount's token for the controller (RG_CTRL_KUBECONFIG): under
# kube-sim's --authorization RBAC a permission missing from the manifests fails the scenario. The
# test's own kubectl keeps the admin token. Against a real cluster the controller keeps the
# user's credentials: installing cluster-wide RBAC there is the user's decision, not a test's.
install_controller_rbac() {
  local m=$rg_root/manifests token
  # Without -n: the manifests name their namespace.
  ka() { GOMAXPROCS=1 GOGC=400 kubectl --kubeconfig "$KUBECONFIG_FILE" --cache-dir "$rg_work/kubectl-cache" --request-timeout=20s "$@"; }
  ka create namespace rollguard-system >/dev/null 2>&1
  ka apply -f "$m/02-serviceaccount.yaml" -f "$m/03-rbac.yaml" >/dev/null || rg_die "manifests/ RBAC not accepted"
  local obj
  while IFS= read -r obj; do
    ka apply -f - <<<"$obj" >/dev/null || rg_die "leader-election RBAC in $RG_NS not accepted"
  done < <(ka create --dry-run=client -o json -f "$m/03-rbac.yaml" | python3 -c '
import json, sys
text, i = sys.stdin.read(), 0
while text[i:].strip():  # one JSON object per manifest, back to back
    o, i = json.JSONDecoder().raw_decode(text, len(text) - len(text[i:].lstrip()))
    if o["kind"] in ("Role", "RoleBinding"):
        o["metadata"]["namespace"] = sys.argv[1]
        print(json.dumps(o))' "$RG_NS")
  token=$(ka create token rollguard-controller -n rollguard-system --duration 24h) ||
    rg_die "no token for the controller's ServiceAccount"
  RG_CTRL_KUBECONFIG=$rg_work/controller.kubeconfig
  cp "$KUBECONFIG_FILE" "$RG_CTRL_KUBECONFIG"
  kubectl --kubeconfig "$RG_CTRL_KUBECONFIG" config set-credentials kube-sim --token="$token" >/dev/null
  export RG_CTRL_KUBECONFIG
}

# harness_start [KUBE_SIM_FLAGS...]: the cluster (kube-sim, or the real one of KUBECONFIG in a new
# namespace), the CRD and Prometheus. The controller is started by each script, with its flags.
harness_start() {
  if real_cluster; then
    KUBECONFIG_FILE=$KUBECONFIG
    RG_NS=rg-e2e-$rg_name-$RANDOM
    RG_NS=${RG_NS:0:63}
    kubectl create namespace "$RG_NS" >/dev/null || rg_die "cannot create namespace $RG_NS"
    rg_ns_created=1
    [[ -n ${RG_PROMETHEUS_URL:-} ]] || rg_die "set RG_PROMETHEUS_URL to a Prometheus that scrapes the pods"
  else
    start_kube_sim --authorization RBAC "$@"
  fi
  k apply -f "${RG_CRDS:-$rg_root/crds}/" >/dev/null || rg_die "CRD apply failed"
  must_wait "CRD established" 30 k get rollbackpolicies
  real_cluster || install_controller_rbac
  real_cluster || start_prometheus
  # The address the controller uses (in a cluster: the in-cluster one).
  RG_PROM_FOR_POLICY=${RG_PROMETHEUS_IN_CLUSTER:-$RG_PROMETHEUS_URL}
}

# --- notification receivers ----------------------------------------------------------------------
# start_receiver NAME [--mode hang | --mode fail-first --fail-count N]: e2e/lib/webhook-receiver.py on
# loopback, recording every POST in $rg_work/NAME.hook (one JSON line each); sets RECEIVER_URL[NAME]
# and puts the URL in Secret NAME-webhook, key url (a webhook URL is a credential).
declare -A RECEIVER_URL
start_receiver() {
  local name=$1
  shift
  python3 "$rg_root/e2e/lib/webhook-receiver.py" --record "$rg_work/$name.hook" \
    --port-file "$rg_work/$name.port" "$@" >>"$rg_work/receiver-$name.log" 2>&1 &
  rg_pids+=("$!")
  must_wait "receiver $name listening" 20 test -s "$rg_work/$name.port"
  RECEIVER_URL[$name]=http://127.0.0.1:$(<"$rg_work/$name.port")/hook/$name
  : >>"$rg_work/$name.hook"
  k create secret generic "$name-webhook" --from-literal=url="${RECEIVER_URL[$name]}" >/dev/null ||
    rg_die "secret $name-webhook"
}
# received NAME: "EVENT KEY TEXT" per POST the receiver got, in order of arrival (with its answer).
received() {
  python3 - "$rg_work/$1.hook" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line); b = r["body"] if isinstance(r["body"], dict) else {}
    print(b.get("event", "?"), r.get("idempotencyKey", "") or "-", b.get("text", ""), "->", r.get("answered"))
PY
}
# received_events NAME: the distinct events by idempotency key, in order of first arrival.
received_events() { received "$1" | awk '!seen[$2]++ {print $1}' | paste -sd' '; }
# received_all NAME EVENT...: the receiver got every one of these events (any order); says what it got.
received_all() {
  local name=$1 e got
  shift
  got=" $(received_events "$name") "
  for e in "$@"; do [[ $got == *" $e "* ]] || { echo "got:$got"; return 1; }; done
}
# received_json NAME EVENT: the body of the first POST of that event.
received_json() {
  python3 - "$rg_work/$1.hook" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if isinstance(r["body"], dict) and r["body"].get("event") == sys.argv[2]:
        r["body"]["_header_idempotency_key"] = r["idempotencyKey"]; r["body"]["_received"] = r["time"]
        print(json.dumps(r["body"])); break
PY
}
# json_field JSON PYTHON_EXPR: e.g. json_field "$body" 'b["slos"][0]["value"]'.
json_field() { python3 -c 'import json,sys; b=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# start_alertmanager: Debian's prometheus-alertmanager on loopback (no cluster peers, one route to
# a receiver that sends nothing); sets RG_AM_URL.
start_alertmanager() {
  local am
  am=$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)
  [[ -x $am ]] || rg_die "prometheus-alertmanager not installed (scripts/bootstrap installs it)"
  local port
  port=$(rg_free_port)
  RG_AM_URL=http://127.0.0.1:$port
  cat >"$rg_work/alertmanager.yml" <<YAML
route: {receiver: nobody, group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
receivers: [{name: nobody}]
YAML
  "$am" --config.file "$rg_work/alertmanager.yml" --storage.path "$rg_work/alertmanager-data" \
    --web.listen-address "127.0.0.1:$port" --cluster.listen-address "" --log.level warn \
    >>"$rg_work/alertmanager.log" 2>&1 &
  rg_pids+=("$!")
  rg_await_ready Alertmanager "$RG_AM_URL/-/ready" "$rg_work/alertmanager.log"
  export RG_AM_URL
}
# am_alerts POLICY [FIELD]: the alerts Alertmanager serves (GET /api/v2/alerts) for the policy, one
# line each: "STATE alertname=.. severity=.. deployment=.. startsAt=.. | summary", or that field of
# each (updatedAt, endsAt, ...).
am_alerts() {
  curl -sf --max-time 5 -G "$RG_AM_URL/api/v2/alerts" --data-urlencode "filter=policy=\"$1\"" |
    python3 -c 'import json,sys
for a in json.load(sys.stdin):
    l = a["labels"]
    if len(sys.argv) > 1: print(a.get(sys.argv[1], "")); continue
    print("%s alertname=%s severity=%s deployment=%s namespace=%s startsAt=%s | %s" % (a["status"]["state"],
          l.get("alertname"), l.get("severity"), l.get("deployment"), l.get("namespace"), a.get("startsAt"),
          a.get("annotations", {}).get("summary", "")))' ${2:+"$2"}
}

# --- workloads and policies ------------------------------------------------------------------------
# deployment_yaml NAME VERSION REPLICAS [DEMO_APP_ARGS...]: a demo-app Deployment; VERSION is the
# image tag and a template label, so each new version is a new revision.
deployment_yaml() {
  local name=$1 version=$2 replicas=$3
  shift 3
  local args="" a
  [[ $RG_POD_PORT != 8080 ]] && set -- --port "$RG_POD_PORT" "$@"
  for a in "$@"; do args+="${args:+, }\"$a\""; done
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name, labels: {app: $name}}
spec:
  replicas: $replicas
  progressDeadlineSeconds: ${RG_PROGRESS_DEADLINE:-600}
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name, version: "$version"}}
    spec:
      containers:
      - name: app
        image: rollguard/demo-app:$version
        args: [$args]
        ports: [{containerPort: $RG_POD_PORT, name: http}]
        readinessProbe: {httpGet: {path: /ready, port: $RG_POD_PORT}, periodSeconds: 1}
YAML
}
# deploy NAME VERSION [DEMO_APP_ARGS...]: applies (creates or changes) it with $RG_REPLICAS (2).
deploy() {
  local name=$1 version=$2
  shift 2
  deployment_yaml "$name" "$version" "${RG_REPLICAS:-2}" "$@" | k apply -f - >/dev/null
}

revision_of() { jp "deployment/$1" '.metadata.annotations.deployment\.kubernetes\.io/revision'; }
image_of() { jp "deployment/$1" '.spec.template.spec.containers[0].image'; }
phase_of() { jp "rbp/$1" '.status.phase'; }
rollout_available() {
  local gen obs want total updated available
  read -r gen obs want total updated available <<<"$(jp "deployment/$1" '.metadata.generation} {.status.observedGeneration} {.spec.replicas} {.status.replicas} {.status.updatedReplicas} {.status.availableReplicas')"
  [[ -n $gen && $gen == "$obs" && $want == "$total" && $want == "$updated" && $want == "$available" ]]
}
# hash_of_revision DEPLOYMENT REVISION: the pod-template-hash of the ReplicaSet with that revision.
hash_of_revision() {
  k get rs -l "app=$1" -o json | python3 -c '
import json,sys
for rs in json.load(sys.stdin)["items"]:
    m = rs["metadata"]
    if m.get("annotations", {}).get("deployment.kubernetes.io/revision") == sys.argv[1]:
        print(m["labels"].get("pod-template-hash", ""))' "$2"
}

# SLOs (YAML list items for a policy's spec.slos), each aimed at the new pods only.
# slo_error_rate MAX [WINDOW]
slo_error_rate() {
  echo # a leading newline: "$(slo_a)$(slo_b)" stays a list ($(...) drops trailing ones)
  cat <<YAML
  - name: error-rate
    prometheus:
      address: $RG_PROM_FOR_POLICY
      query: sum(rate(http_requests_total{namespace="{{namespace}}",pod_template_hash="{{podTemplateHash}}",code=~"5.."}[${2:-10s}])) / sum(rate(http_requests_total{namespace="{{namespace}}",pod_template_hash="{{podTemplateHash}}"}[${2:-10s}]))
      max: $1
      timeout: 2s
YAML
}
# slo_latency QUANTILE MAX_SECONDS
slo_latency() {
  echo
  cat <<YAML
  - name: latency-p${1#0.}
    prometheus:
      address: $RG_PROM_FOR_POLICY
      query: histogram_quantile($1, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{namespace}}",pod_template_hash="{{podTemplateHash}}"}[10s])))
      max: $2
      timeout: 2s
YAML
}
slo_health() {
  echo
  cat <<YAML
  - name: health
    http: {path: /health, port: $RG_POD_PORT, expectStatus: [200], timeout: 1s, attempts: 2}
YAML
}
slo_rollout() {
  echo
  cat <<YAML
  - name: rollout
    deployment: {minAvailableRatio: 1.0, failOnProgressDeadline: true, maxContainerRestarts: 3}
YAML
}
# policy_yaml NAME TARGET SLOS [EXTRA_SPEC_LINES]: a RollbackPolicy with the scenarios' short timings
# (1 s interval, 4 s stabilization, 3 failures, no cooldown worth speaking of).
policy_yaml() {
  cat <<YAML
apiVersion: rollguard.io/v1alpha1
kind: RollbackPolicy
metadata: {name: $1}
spec:
  targetRef: {kind: Deployment, name: $2}
  interval: ${RG_INTERVAL:-1s}
  stabilizationWindow: ${RG_STABILIZATION:-4s}
  failureThreshold: ${RG_FAILURE_THRESHOLD:-3}
  inconclusiveThreshold: ${RG_INCONCLUSIVE_THRESHOLD:-0}
  rollback: {mode: ${RG_MODE:-Automatic}, to: LastKnownGood, cooldown: ${RG_COOLDOWN:-1s}}
${4:-}
  slos:
$3
YAML
}
policy_apply() { policy_yaml "$@" | k apply -f -; }
apply_policy() { policy_apply "$@" >/dev/null || rg_die "policy $1 not accepted"; }

# --- what happened, as kubectl shows it ------------------------------------------------------------
# record NAME CMD...: runs CMD (a kubectl --watch, restarted when the watch ends) in the background;
# each line it prints goes to $rg_work/NAME.rec prefixed with the local epoch time.
record() {
  local name=$1
  shift
  set -m # its own process group, so that cleanup stops the kubectl inside too
  (
    while true; do
      "$@" 2>/dev/null | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%3N)" "$line"; done
      sleep 0.2
    done
  ) >>"$rg_work/$name.rec" &
  rg_groups+=("$!")
  set +m
}
# record_rollout DEPLOYMENT POLICY: the Deployment's revision/image/paused/availability and the
# policy's phase/counters/failing SLO, every change, for the figures and the timeline.
record_rollout() {
  record deployment k get "deployment/$1" --watch -o 'jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}|{.spec.template.spec.containers[0].image}|{.spec.paused}|{.status.availableReplicas}/{.spec.replicas}|{.status.updatedReplicas}|{.metadata.generation}|{.status.observedGeneration}{"\n"}'
  record policy k get "rbp/$2" --watch -o 'jsonpath={.status.phase}|{.status.currentRevision}|{.status.lastKnownGoodRevision}|{.status.consecutiveFailures}|{.status.failingSLO}|{.status.failingSince}|{.status.message}{"\n"}'
}
# recorded NAME: the recording without repeated states (a re-listed watch repeats the last one).
recorded() { awk '{t=$1; $1=""; if ($0 != last) print t $0; last=$0}' "$rg_work/$1.rec" 2>/dev/null; }
# first_recorded NAME AFTER_EPOCH AWK_CONDITION_ON_FIELDS (split on |, $1 is time+first field):
# the epoch time of the first recorded line after AFTER that matches.
first_recorded() {
  recorded "$1" | awk -F'|' -v after="$2" "{ split(\$1, a, \" \"); t = a[1]; \$1 = a[2] } t >= after && ($3) { print t; exit }"
}

# events_of REASON [DEPLOYMENT]: the rollguard Events (events.k8s.io/v1) with that reason.
events_json() { k get events.v1.events.k8s.io -o json 2>/dev/null; }
events_of() {
  events_json | python3 -c '
import json,sys
for e in json.load(sys.stdin)["items"]:
    if e.get("reason") == sys.argv[1] and (len(sys.argv) < 3 or e.get("regarding", {}).get("name") == sys.argv[2]):
        print(e.get("note", ""))' "$@"
}
# event_list DEPLOYMENT: "REASON: note" of every Event regarding it (for step's regex and its failure output).
event_list() {
  events_json | python3 -c '
import json,sys
for e in sorted(json.load(sys.stdin)["items"], key=lambda e: e.get("eventTime") or ""):
    if e.get("regarding", {}).get("name") == sys.argv[1]: print("%s: %s" % (e.get("reason"), e.get("note", "")))' "$1"
}
# count_events REASON [DEPLOYMENT]: how many times (an Event folded into a series counts its count).
count_events() {
  events_json | python3 -c '
import json,sys
n = 0
for e in json.load(sys.stdin)["items"]:
    if e.get("reason") == sys.argv[1] and (len(sys.argv) < 3 or e.get("regarding", {}).get("name") == sys.argv[2]):
        n += (e.get("series") or {}).get("count", 1)
print(n)' "$@"
}
# The Events as a timeline: time, type, reason, note.
events_timeline() {
  events_json | python3 -c '
import json,sys
rows = []
for e in json.load(sys.stdin)["items"]:
    t = e.get("eventTime") or e.get("deprecatedLastTimestamp") or e["metadata"].get("creationTimestamp", "")
    who = e.get("reportingController", "")
    if "rollguard" not in who and e.get("related", {}).get("kind") != "RollbackPolicy": continue
    rows.append((t, e.get("type", ""), e.get("reason", ""), e.get("note", "")))
for r in sorted(rows): print("  %s  %-7s %-20s %s" % r)'
}

# rollout_count DEPLOYMENT: how many times the template changed (the highest revision number).
highest_revision() {
  k get rs -l "app=$1" -o 'jsonpath={range .items[*]}{.metadata.annotations.deployment\.kubernetes\.io/revision}{"\n"}{end}' |
    sort -n | tail -1
}

# wait_last_known_good POLICY REVISION: Healthy with that revision as last known good.
wait_last_known_good() {
  must_wait "rbp/$1: revision $2 last known good" "${3:-90}" \
    field_is "rbp/$1" '.status.lastKnownGoodRevision' "$2"
}

# rollback_figures POLICY DEPLOYMENT APPLIED_EPOCH: prints breach→patch and recovery times from the
# status timestamps and from the recorded Deployment, and sets RG_BREACH_TO_PATCH (seconds).
rollback_figures() {
  local policy=$1 dep=$2 applied=$3
  local detected started completed first_fail patched available to_image
  detected=$(jp "rbp/$policy" '.status.lastRollback.detectedAt')
  started=$(jp "rbp/$policy" '.status.lastRollback.startedAt')
  completed=$(jp "rbp/$policy" '.status.lastRollback.completedAt')
  to_image=$(image_of "$dep")
  # First failing evaluation seen (failingSince of the first recorded failing state), the patch (the
  # template's image back to the rollback target's) and full availability again.
  first_fail=$(recorded policy | awk -F'|' -v after="$applied" '{split($1, a, " "); if (a[1] >= after && $6 != "") {print $6; exit}}')
  patched=$(recorded deployment | awk -F'|' -v after="$applied" -v img="$to_image" '{split($1, a, " "); if (a[1] >= after && $2 == img) {print a[1]; exit}}')
  available=$(recorded deployment | awk -F'|' -v after="${patched:-0}" -v img="$to_image" '{split($1, a, " "); split($4, r, "/"); if (a[1] >= after && $2 == img && r[1] + 0 >= r[2] + 0 && $5 == r[2] && $6 == $7) {print a[1]; exit}}')
  python3 - "$applied" "$detected" "$started" "$completed" "$first_fail" "$patched" "$available" <<'PY'
import sys
from datetime import datetime
def ts(s):
    if not s: return None
    try: return float(s)
    except ValueError: return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
applied, detected, started, completed, first_fail, patched, available = map(ts, sys.argv[1:])
# A watch cut at the wrong moment (API faults) may miss failingSince: status.lastRollback.detectedAt
# is the same instant (the first failing evaluation of the breach).
if first_fail is None: first_fail = detected
def d(a, b): return "n/a" if a is None or b is None else "%.1f s" % (b - a)
print("FIGURES")
print("  v(bad) applied -> first failing evaluation (status.failingSince): %s" % d(applied, first_fail))
print("  status: lastRollback.detectedAt -> startedAt (the patch): %s" % d(detected, started))
print("  first failing evaluation -> Deployment template restored (watched): %s" % d(first_fail, patched))
print("  v(bad) applied -> Deployment template restored (watched): %s" % d(applied, patched))
print("  rollback patch -> completedAt (status): %s" % d(started, completed))
print("  rollback patch -> all replicas available again (watched): %s" % d(patched, available))
if first_fail is not None and patched is not None:
    print("BREACH_TO_PATCH %.1f" % (patched - first_fail))
if detected is not None and started is not None:
    print("STATUS_BREACH_TO_PATCH %.0f" % (started - detected))
if first_fail is not None and available is not None:
    print("MTTR %.1f" % (available - first_fail))
print("EPOCHS %s %s %s" % tuple("%.3f" % x if x is not None else "-" for x in (first_fail, patched, available)))
PY
}

# timeline: the recorded Deployment and policy changes and rollguard's Events, in time order.
timeline() {
  events_json >"$rg_work/events.json"
  python3 - "$rg_work" <<'PY'
import json, os, sys
from datetime import datetime, timezone
work = sys.argv[1]
rows = []
def rec(name):
    path = os.path.join(work, name + ".rec")
    if not os.path.exists(path): return []
    out, last = [], None
    for line in open(path):
        t, _, rest = line.rstrip("\n").partition(" ")
        if rest != last: out.append((float(t), rest.split("|")))
        last = rest
    return out
prev = None
for t, f in rec("deployment"):
    f += [""] * (7 - len(f))
    avail, _, want = f[3].partition("/")
    num = lambda x: int(x) if x.isdigit() else -1
    done = num(avail) >= num(want) >= 0 and f[4] == want and f[5] == f[6]
    text = "revision %s  %s%s  %s" % (f[0] or "-", f[1].rsplit(":", 1)[-1], "  PAUSED (held)" if f[2] == "true" else "",
                                     "available %s/%s" % (avail or 0, want) if done else "rolling out")
    if text != prev: rows.append((t, "Deployment", text))
    prev = text
prev = None
for t, f in rec("policy"):
    f += [""] * (7 - len(f))
    text = "%-11s rev %s  last good %s" % (f[0] or "-", f[1] or "-", f[2] or "-")
    if f[3] not in ("", "0"): text += "  failures %s (%s)" % (f[3], f[4])
    if text != prev: rows.append((t, "Policy", text))
    prev = text
try:
    events = json.load(open(os.path.join(work, "events.json")))["items"]
except Exception:
    events = []
for e in events:
    if e.get("related", {}).get("kind") != "RollbackPolicy" and "rollguard" not in e.get("reportingController", ""):
        continue
    s = e.get("eventTime") or e.get("deprecatedLastTimestamp") or e["metadata"].get("creationTimestamp")
    if not s: continue
    t = datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
    rows.append((t, "Event", "%s %s: %s" % (e.get("type", ""), e.get("reason", ""), e.get("note", ""))))
for t, who, text in sorted(rows, key=lambda r: r[0]):
    stamp = datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
    print("  %s  %-10s %s" % (stamp, who, text))
PY
}

# elapsed FROM TO: TO - FROM in seconds, one decimal (epoch times as recorded by date +%s.%3N).
elapsed() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "${1:-0}" "${2:-0}"; }

# --- the shared rollback scenario -----------------------------------------------------------------
# start_with_good_v1 POLICY DEPLOYMENT SLOS [EXTRA_SPEC] [V1_ARGS...]: v1 of the Deployment, the
# policy, and v1 (revision 1) last known good. Records the rollout from then on.
start_with_good_v1() {
  local policy=$1 dep=$2 slos=$3 extra=${4:-}
  shift 4 2>/dev/null || shift $#
  deploy "$dep" v1 --load-rps "${RG_LOAD_RPS:-20}" "$@"
  must_wait "v1 rolled out" 60 rollout_available "$dep"
  apply_policy "$policy" "$dep" "$slos" "$extra"
  record_rollout "$dep" "$policy"
  RG_WAIT_NOTE="phase_of $policy" wait_last_known_good "$policy" 1
  rg_log "v1 is last known good (revision 1, pod-template-hash $(jp "rbp/$policy" '.status.lastKnownGoodPodTemplateHash'))"
}

# expect_rollback POLICY DEPLOYMENT VERSION [DEMO_APP_ARGS...]: rolls out VERSION, waits for
# rollguard to roll it back to the revision before, asserts on what kubectl shows that exactly one
# rollback happened, prints the figures (RG_BREACH_TO_PATCH is set).
expect_rollback() {
  local policy=$1 dep=$2 version=$3
  shift 3
  local good_image good_rev bad_rev rollbacks_before events_before
  good_image=$(image_of "$dep")
  good_rev=$(revision_of "$dep")
  bad_rev=$(($(highest_revision "$dep") + 1))
  rollbacks_before=$(rollbacks_total)
  events_before=$(count_events RolledBack "$dep")
  RG_APPLIED=$(date +%s.%3N)
  rg_log "rolling out $version ($*), revision $bad_rev"
  deploy "$dep" "$version" --load-rps "${RG_LOAD_RPS:-20}" "$@"
  RG_WAIT_NOTE="phase_of $policy" must_wait "revision $bad_rev rolled back by rollguard" "${RG_ROLLBACK_WAIT:-120}" \
    field_is "rbp/$policy" '.status.lastRollback.fromRevision' "$bad_rev"
  check "kubectl wait --for=condition=RolledBack" k wait --for=condition=RolledBack "rbp/$policy" --timeout=60s
  eventually 60 "the rollout of the restored template completes" '' rollout_available "$dep"
  # A few more intervals: nothing else may happen (no second rollback, no ping-pong).
  sleep "${RG_SETTLE:-5}"
  check "the template is $good_image again" equals "$(image_of "$dep")" "$good_image"
  check "lastRollback: $bad_rev -> $good_rev" equals "$(jp "rbp/$policy" '.status.lastRollback.fromRevision') -> $(jp "rbp/$policy" '.status.lastRollback.toRevision')" "$bad_rev -> $good_rev"
  check "the Deployment's revision is $((bad_rev + 1)) (the restored template), none after it" \
    equals "$(revision_of "$dep") $(highest_revision "$dep")" "$((bad_rev + 1)) $((bad_rev + 1))"
  check "exactly one RolledBack Event for this rollout" \
    equals "$(($(count_events RolledBack "$dep") - events_before))" 1
  if [[ ${RG_CONTROLLER:-} != installed ]]; then
    check "rollguard_rollbacks_total rose by exactly 1" equals "$(($(rollbacks_total) - rollbacks_before))" 1
  fi
  rg_log "reason: $(jp "rbp/$policy" '.status.lastRollback.reason'): $(jp "rbp/$policy" '.status.lastRollback.message')"
  rg_log "kubectl rollout history:"
  k rollout history "deployment/$dep" | sed 's/^/    /'
  rg_log "timeline:"
  timeline
  local figures
  figures=$(rollback_figures "$policy" "$dep" "$RG_APPLIED")
  grep -vE '^(BREACH_TO_PATCH|STATUS_BREACH_TO_PATCH|MTTR|EPOCHS)' <<<"$figures"
  RG_BREACH_TO_PATCH=$(awk '/^BREACH_TO_PATCH/ {print $2}' <<<"$figures")
  echo "FIGURE $rg_name breach->patch ${RG_BREACH_TO_PATCH:-n/a} s watched (first failing evaluation -> template restored)," \
    "$(awk '/^STATUS_BREACH_TO_PATCH/ {print $2}' <<<"$figures") s by status (detectedAt -> startedAt, whole seconds);" \
    "apply -> restored $(elapsed "$RG_APPLIED" "$(awk '/^EPOCHS/ {print $3}' <<<"$figures" | sed 's/^-$//')") s"
}
