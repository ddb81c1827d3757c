// The kubelet of kube-sim, without processes: schedules every pod on the one node, starts it
// (phase Running, a podIP, running containerStatuses) and marks it Ready after the ready delay —
// in the order and with the conditions a kubelet reports (PodScheduled, Initialized,
// ContainersReady, Ready).
#include <spdlog/spdlog.h>

#include "cluster.hpp"
#include "json_util.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
json::array container_statuses(const json::object& pod, bool ready, bool terminated,
                               const std::string& started_at) {
  json::array out;
  const auto* cs = at_path(pod, {"spec", "containers"});
  if (!cs || !cs->is_array()) return out;
  for (const auto& c : cs->as_array()) {
    const auto* co = c.if_object();
    if (!co) continue;
    std::string image = str_at(*co, {"image"});
    json::object state;
    if (terminated) {
      state["terminated"] = json::object{
          {"exitCode", 0}, {"reason", "Completed"}, {"startedAt", started_at}, {"finishedAt", started_at}};
    } else {
      state["running"] = json::object{{"startedAt", started_at}};
    }
    out.push_back(json::object{
        {"name", str_at(*co, {"name"})},
        {"image", image},
        {"imageID", "kube-sim://" + image},
        {"containerID", "kube-sim://" + str_at(pod, {"metadata", "uid"}) + "/" + str_at(*co, {"name"})},
        {"ready", ready},
        {"started", !terminated},
        {"restartCount", 0},
        {"state", std::move(state)}});
  }
  return out;
}

json::array pod_conditions(bool ready, const std::string& scheduled_at, const std::string& ready_at,
                           const std::string& reason) {
  auto cond = [](const char* type, bool status, const std::string& at, const std::string& why) {
    json::object c{{"type", type},
                   {"status", status ? "True" : "False"},
                   {"lastProbeTime", nullptr},
                   {"lastTransitionTime", at}};
    if (!why.empty()) c["reason"] = why;
    return c;
  };
  return json::array{
      cond("PodScheduled", true, scheduled_at, ""), cond("Initialized", true, scheduled_at, ""),
      cond("ContainersReady", ready, ready_at, reason), cond("Ready", ready, ready_at, reason)};
}

bool any_image_contains(const json::object& pod, const std::string& marker) {
  if (marker.empty()) return false;
  const auto* cs = at_path(pod, {"spec", "containers"});
  if (!cs || !cs->is_array()) return false;
  for (const auto& c : cs->as_array())
    if (const auto* co = c.if_object(); co && str_at(*co, {"image"}).find(marker) != std::string::npos)
      return true;
  return false;
}

std::chrono::milliseconds until(TimePoint now, TimePoint then) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(then - now) + std::chrono::milliseconds(1);
}
}  // namespace

bool Cluster::runs_process(const json::object& pod) const {
  const auto* cs = at_path(pod, {"spec", "containers"});
  if (!runner_ || !cs || !cs->is_array() || cs->as_array().empty() || !cs->as_array()[0].is_object())
    return false;
  return runner_->command_for(str_at(cs->as_array()[0].as_object(), {"image"})) != nullptr;
}

bool Cluster::sync_pod_process(const json::object& pod) {
  if (!runs_process(pod)) return false;
  const auto& container = pod.at("spec").at("containers").as_array()[0].as_object();
  const std::string uid = str_at(pod, {"metadata", "uid"});
  const std::string ns = str_at(pod, {"metadata", "namespace"}), name = str_at(pod, {"metadata", "name"});
  std::string restart = str_at(pod, {"spec", "restartPolicy"});
  runner_->ensure(uid, ns, name, str_at(pod, {"status", "podIP"}), container,
                  restart.empty() || restart == "Always");
  const RunState* st = runner_->state(uid);
  if (!st) return true;
  // Only write when something a client can see changed: phase, readiness, restarts, state.
  std::string phase = st->finished ? (st->last_exit == 0 ? "Succeeded" : "Failed") : "Running";
  std::string state_kind = st->running ? "running" : st->finished ? "terminated" : "waiting";
  json::object current = obj_at(pod, {"status"});
  json::object first;
  if (const auto* cs = current.if_contains("containerStatuses");
      cs && cs->is_array() && !cs->as_array().empty())
    if (const auto* f = cs->as_array()[0].if_object()) first = *f;
  bool same = str_at(current, {"phase"}) == phase && bool_at(first, {"ready"}) == st->ready &&
              int_at(first, {"restartCount"}) == st->restarts &&
              at_path(first, {"state", state_kind}) != nullptr;
  if (same) return true;
  std::string start_text = str_at(pod, {"status", "startTime"}), at = rfc3339(now());
  json::array statuses = container_statuses(pod, st->ready, false, at);
  if (!statuses.empty()) {
    auto& f = statuses[0].as_object();
    f["restartCount"] = st->restarts;
    f["started"] = st->running;
    json::object state;
    if (st->running) {
      state["running"] = json::object{{"startedAt", at}};
    } else if (st->finished) {
      json::object terminated{{"exitCode", st->last_exit},
                              {"reason", st->last_exit == 0 ? "Completed" : "Error"},
                              {"finishedAt", at}};
      if (!st->termination_message.empty()) terminated["message"] = st->termination_message;
      state["terminated"] = std::move(terminated);
    } else {
      state["waiting"] = json::object{{"reason", "CrashLoopBackOff"},
                                      {"message", "back-off restarting failed container " +
                                                      str_at(container, {"name"}) + " in pod " + name}};
      f["lastState"] = json::object{
          {"terminated", json::object{{"exitCode", st->last_exit}, {"reason", "Error"}, {"finishedAt", at}}}};
    }
    f["state"] = std::move(state);
  }
  json::object status{{"phase", phase},
                      {"conditions", pod_conditions(st->ready, start_text, at,
                                                    st->ready      ? ""
                                                    : st->finished ? "PodCompleted"
                                                                   : "ContainersNotReady")},
                      {"containerStatuses", std::move(statuses)}};
  client_.merge_patch(resource_path("", "pods", ns, name, "status"), json::object{{"status", status}});
  return true;
}

void Cluster::sync_pod(const std::string& ns, const std::string& name) {
  auto pod = client_.get(ObjectKey{"", "pods", ns, name});
  if (!pod) return;
  if (!str_at(*pod, {"metadata", "deletionTimestamp"}).empty()) {
    if (runner_) runner_->stop(str_at(*pod, {"metadata", "uid"}));
    return;
  }
  const Item self{Kind::Pod, ns, name};
  const std::string uid = str_at(*pod, {"metadata", "uid"});
  const std::string path = resource_path("", "pods", ns, name);
  const std::string phase = str_at(*pod, {"status", "phase"});
  if (phase == "Succeeded" || phase == "Failed") return;

  if (str_at(*pod, {"spec", "nodeName"}).empty()) {
    client_.merge_patch(path, json::object{{"spec", json::object{{"nodeName", options_.node_name}}}});
    return;  // the MODIFIED event brings it back
  }
  auto now_tp = now();
  if (phase != "Running") {
    auto created = parse_rfc3339(str_at(*pod, {"metadata", "creationTimestamp"})).value_or(now_tp);
    if (options_.pod_start_delay.count() > 0 && now_tp < created + options_.pod_start_delay) {
      enqueue_after(self, until(now_tp, created + options_.pod_start_delay));
      return;
    }
    auto ip = ips_.allocate(uid);
    if (!ip) {
      spdlog::error("cluster: no pod IP left for {}/{}", ns, name);
      return;
    }
    std::string at = rfc3339(now_tp);
    json::object status{{"phase", "Running"},
                        {"hostIP", "127.0.0.1"},
                        {"podIP", *ip},
                        {"podIPs", json::array{json::object{{"ip", *ip}}}},
                        {"startTime", at},
                        {"qosClass", "BestEffort"},
                        {"conditions", pod_conditions(false, at, at, "ContainersNotReady")},
                        {"containerStatuses", container_statuses(*pod, false, false, at)}};
    if (client_.merge_patch(resource_path("", "pods", ns, name, "status"), json::object{{"status", status}})
            .ok()) {
      pod_started_[uid] = now_tp;
      if (!runs_process(*pod) && !any_image_contains(*pod, options_.never_ready_marker))
        enqueue_after(self, options_.pod_ready_delay);
    }
    return;
  }

  if (sync_pod_process(*pod)) return;
  // Running: Ready (or, for a Job's pod, Succeeded) once the ready delay has passed.
  const auto* ready = at_path(*pod, {"status", "conditions"});
  bool is_ready = false;
  if (ready && ready->is_array())
    for (const auto& c : ready->as_array())
      if (const auto* co = c.if_object(); co && str_at(*co, {"type"}) == "Ready")
        is_ready = str_at(*co, {"status"}) == "True";
  if (is_ready || any_image_contains(*pod, options_.never_ready_marker)) return;
  auto started = pod_started_.count(uid)
                     ? pod_started_[uid]
                     : parse_rfc3339(str_at(*pod, {"status", "startTime"})).value_or(now_tp);
  if (now_tp < started + options_.pod_ready_delay) {
    enqueue_after(self, until(now_tp, started + options_.pod_ready_delay));
    return;
  }
  std::string start_text = str_at(*pod, {"status", "startTime"});
  std::string at = rfc3339(now_tp);
  json::object status;
  if (!controller_name(*pod, "Job").empty()) {
    status = json::object{{"phase", "Succeeded"},
                          {"conditions", pod_conditions(false, start_text, at, "PodCompleted")},
                          {"containerStatuses", container_statuses(*pod, false, true, start_text)}};
  } else {
    status = json::object{{"conditions", pod_conditions(true, start_text, at, "")},
                          {"containerStatuses", container_statuses(*pod, true, false, start_text)}};
  }
  client_.merge_patch(resource_path("", "pods", ns, name, "status"), json::object{{"status", status}});
}

}  // namespace kubesim::cluster
