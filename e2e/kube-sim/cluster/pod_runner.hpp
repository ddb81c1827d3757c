// Pods as real processes. With `--pod-runner-config PATH`, a pod whose first container's image is
// listed runs the configured command as a child process in its own process group, on the pod's
// own loopback address:
//
//   images:
//     "demo-app:v1":                                        # an image, or a prefix ending in "*"
//       command: ["/usr/bin/python3", "-m", "http.server"]  # required: executable and leading args
//       args: ["--bind", "$(POD_IP)", "8080"]               # optional: used when the pod has no args
//       env: {GREETING: hello}                              # optional: added before the pod's env
//
// The process gets POD_NAME, POD_NAMESPACE and POD_IP, the config's env, the container's env
// (`value` entries), and the container's args (else the config's); `$(VAR)` in command and args
// expands from that environment, as the kubelet does. Readiness comes from the container's
// readinessProbe.httpGet (polled with a short-timeout HTTP GET); without a probe a running process
// is ready. A process that exits is restarted after a CrashLoopBackOff-style delay (1 s doubling,
// at most 10 s — shorter than the kubelet's 10 s..5 min so tests stay fast) unless the pod's
// restartPolicy is Never/OnFailure (Job pods), where it stays terminated. Children are reaped on
// SIGCHLD (boost::asio::signal_set), never by blocking; deleted pods get SIGTERM, then SIGKILL after
// a grace period.
//
// Termination messages, as the kubelet writes them into state.terminated.message: a container
// cannot have a file at its terminationMessagePath (default /dev/termination-log) here, so each
// process gets a file of its own instead, named by $KUBESIM_TERMINATION_MESSAGE_PATH (also
// usable as $(KUBESIM_TERMINATION_MESSAGE_PATH) in args). With terminationMessagePolicy
// FallbackToLogsOnError the process's stdout and stderr go to a log file of the pod (not to
// kube-sim's output), whose tail is the message of a failed exit that left the file empty: the
// portable way for a check to report why it failed.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kubesim::cluster {

struct ImageCommand {
  std::vector<std::string> command, args;
  std::vector<std::pair<std::string, std::string>> env;
};
using RunnerConfig = std::map<std::string, ImageCommand>;

// Parses the YAML above; nullopt with `error` set when it is malformed.
std::optional<RunnerConfig> parse_runner_config(const std::string& yaml, std::string& error);

// The entry for an image: an exact match, else the longest "prefix*" entry matching it.
const ImageCommand* find_image_command(const RunnerConfig& config, const std::string& image);

struct ProcessSpec {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;  // in order; later entries win
};
// The command line and environment of one pod's process (pure).
// termination_path: the file given as $KUBESIM_TERMINATION_MESSAGE_PATH ("" = none).
ProcessSpec process_spec(const ImageCommand& image, const boost::json::object& container,
                         const std::string& ns, const std::string& name, const std::string& ip,
                         const std::string& termination_path = {});

// The kubelet's rule (pure): the message file's content, at most 4096 bytes; when it is empty, the
// container failed (exit_code != 0) and the policy is FallbackToLogsOnError, the log's last 80
// lines, at most 2048 bytes.
std::string termination_message(const std::string& file, const std::string& log, bool fallback_to_logs,
                                int exit_code);

struct RunState {
  bool running = false;
  bool waiting = false;   // exited, restart pending (CrashLoopBackOff)
  bool finished = false;  // exited for good (restartPolicy Never/OnFailure)
  bool ready = false;
  int restarts = 0;
  int last_exit = 0;
  std::string termination_message;  // of the last exit
};

class PodRunner {
 public:
  using Changed = std::function<void(const std::string& ns, const std::string& name)>;
  PodRunner(boost::asio::any_io_executor executor, RunnerConfig config, Changed changed,
            std::chrono::milliseconds grace = std::chrono::seconds(2));
  ~PodRunner();
  PodRunner(const PodRunner&) = delete;
  PodRunner& operator=(const PodRunner&) = delete;

  const ImageCommand* command_for(const std::string& image) const;
  // Starts the pod's process unless it already has one (idempotent).
  void ensure(const std::string& uid, const std::string& ns, const std::string& name, const std::string& ip,
              const boost::json::object& container, bool restart_always);
  const RunState* state(const std::string& uid) const;
  // SIGTERM now, SIGKILL after the grace period; the pod is forgotten once its process is reaped.
  void stop(const std::string& uid);
  // Terminates every process (SIGTERM, up to the grace period, then SIGKILL) and reaps them. Blocks
  // briefly: meant for kube-sim's exit.
  void shutdown();

 private:
  struct Proc;
  void spawn(Proc& p);
  void wait_signal();
  void reap();
  void probe(const std::string& uid);
  void schedule_probe(const std::string& uid);
  std::string pod_dir(const std::string& uid);
  void forget(const std::string& uid);

  boost::asio::any_io_executor executor_;
  RunnerConfig config_;
  Changed changed_;
  std::chrono::milliseconds grace_;
  boost::asio::signal_set sigchld_;
  std::map<std::string, std::shared_ptr<Proc>> procs_;  // by pod uid
  std::shared_ptr<bool> alive_;
  std::string files_dir_;  // termination-message and log files, one directory per pod; made on first use
};

}  // namespace kubesim::cluster
