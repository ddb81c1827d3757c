# Shared by the demo-app e2e scripts (source it): kube-sim with the pod runner running Deployment
# pods as demo-app processes, a Prometheus file_sd targets file, the real kubectl, and step checks.
#   demo_env_start BIN_DIR      starts kube-sim; sets bin, work, kubeconfig, targets, sim_pid
#   k ARGS...                   kubectl against it
#   step NAME REGEX CMD...      CMD must succeed and its output match the ERE REGEX
#   eventually SECONDS NAME REGEX CMD...   step, retried every 0.5 s until it passes or time is up
#   demo_env_report NAME        prints the tally (and logs on failure); returns non-zero on failure
# Everything started is stopped on exit (the caller's own processes: add them to cleanup_pids).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0
failed=0
cleanup_pids=()

demo_env_cleanup() {
  local pid
  for pid in "${cleanup_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -n ${sim_pid:-} ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  [[ -n ${work:-} && -z ${KEEP_WORK:-} ]] && rm -rf "$work"
}

demo_env_start() {
  bin=$1
  for tool in kube-sim demo-app; do
    [[ -x $bin/$tool ]] || { echo "$bin/$tool not found (build it first)" >&2; exit 2; }
  done
  command -v kubectl >/dev/null || { echo "kubectl is not on PATH" >&2; exit 2; }
  work=$(mktemp -d)
  kubeconfig=$work/kubeconfig
  targets=$work/targets.json
  trap demo_env_cleanup EXIT
  # The pod runner finds demo-app through ROLLGUARD_BIN_DIR (see e2e/pod-runner.yaml).
  ROLLGUARD_BIN_DIR=$bin "$bin/kube-sim" --port 0 --kubeconfig-out "$kubeconfig" --pod-ready-delay 0 \
    --pod-runner-config "$root/e2e/pod-runner.yaml" --targets-file "$targets" >"$work/kube-sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 150); do
    [[ -s $kubeconfig ]] && return 0
    kill -0 "$sim_pid" 2>/dev/null || { echo "kube-sim exited early:"; cat "$work/kube-sim.log"; exit 1; }
    sleep 0.1
  done
  echo "kube-sim did not write its kubeconfig"
  exit 1
}

k() { kubectl --kubeconfig "$kubeconfig" --cache-dir "$work/cache" --request-timeout=20s "$@"; }

# One try: sets out and rc; true when CMD succeeded and its output matched.
attempt() {
  local regex=$1
  shift
  out=$("$@" 2>&1)
  rc=$?
  [[ $rc -eq 0 ]] && grep -Eq -- "$regex" <<<"$out"
}

verdict() {  # verdict OK NAME HOW
  if [[ $1 == yes ]]; then
    echo "PASS  $2"
    passed=$((passed + 1))
    return 0
  fi
  echo "FAIL  $2 ($3, exit $rc)"
  sed 's/^/      | /' <<<"$out" | head -20
  failed=$((failed + 1))
  return 1
}

step() {
  local name=$1 regex=$2
  shift 2
  attempt "$regex" "$@" && verdict yes "$name" || verdict no "$name" "wanted /$regex/"
}

eventually() {
  local seconds=$1 name=$2 regex=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until attempt "$regex" "$@"; do
    ((SECONDS >= deadline)) && { verdict no "$name" "after ${seconds}s, wanted /$regex/"; return 1; }
    sleep 0.5
  done
  verdict yes "$name"
}

demo_env_report() {
  echo
  echo "$1: $passed passed, $failed failed"
  if ((failed)); then
    echo "--- kube-sim log (tail)"
    tail -30 "$work/kube-sim.log"
    return 1
  fi
  return 0
}

# A demo-app Deployment: demo_deployment NAME IMAGE_TAG REPLICAS [ARG...]
demo_deployment() {
  local name=$1 tag=$2 replicas=$3
  shift 3
  local args="" a
  for a in "$@"; do args+="${args:+, }\"$a\""; done
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name}
spec:
  replicas: $replicas
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name}}
    spec:
      containers:
      - name: app
        image: rollguard/demo-app:$tag
        args: [$args]
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
YAML
}

# The value of one sample line of a Prometheus text exposition: metric_value URL 'http_requests_total{code="200"}'
metric_value() {
  curl -s --max-time 5 "$1" | awk -v m="$2" '$1 == m {print $2}'
}
