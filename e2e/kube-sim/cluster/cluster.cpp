#include "cluster.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "json_util.hpp"
#include "targets_file.hpp"

namespace kubesim::cluster {
namespace json = boost::json;

class Cluster::Sink : public WatchSink {
 public:
  explicit Sink(Cluster* c) : cluster_(c) {}
  void on_event(const WatchEvent& event) override {
    if (cluster_) cluster_->on_event(event);
  }
  void detach() { cluster_ = nullptr; }

 private:
  Cluster* cluster_;
};

Cluster::Cluster(boost::asio::any_io_executor executor, ApiServer& api, std::string token,
                 ClusterOptions options, Clock clock)
    : executor_(std::move(executor)),
      api_(api),
      client_(api, std::move(token)),
      options_(std::move(options)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); })),
      sink_(std::make_shared<Sink>(this)),
      alive_(std::make_shared<bool>(true)) {
  if (!options_.pod_runner.empty())
    runner_ = std::make_unique<PodRunner>(
        executor_, options_.pod_runner,
        [this](const std::string& ns, const std::string& name) {
          enqueue({Kind::Pod, ns, name});
        },
        options_.kill_grace);
}

Cluster::~Cluster() {
  shutdown();
  sink_->detach();
}

void Cluster::start() {
  api_.store().subscribe(sink_);
  for (const char* resource : {"pods", "replicasets"})
    for (auto& [key, obj] : api_.store().list(resource == std::string("pods") ? "" : "apps", resource, ""))
      owners_.update(key, obj.get());
  // Pods restored from a state file keep their addresses.
  for (auto& [key, pod] : api_.store().list("", "pods", "")) {
    std::string ip = str_at(*pod, {"status", "podIP"});
    if (!ip.empty()) ips_.reserve(str_at(*pod, {"metadata", "uid"}), ip);
  }
  enqueue_all();
  write_targets();
  schedule_resync();
}

std::vector<ObjectPtr> Cluster::owned(const std::string& owner_uid, const std::string& resource) const {
  std::vector<ObjectPtr> out;
  for (const auto& key : owners_.dependents(owner_uid))
    if (key.resource == resource)
      if (auto obj = api_.store().get(key)) out.push_back(std::move(obj));
  return out;
}

void Cluster::write_targets() {
  if (options_.targets_file.empty() || !targets_dirty_) return;
  targets_dirty_ = false;
  auto deployment_of = [this](const std::string& ns, const std::string& rs) {
    auto obj = api_.store().get(ObjectKey{"apps", "replicasets", ns, rs});
    return obj ? controller_name(*obj, "Deployment") : std::string();
  };
  auto targets = render_targets(api_.store().list("", "pods", ""), deployment_of);
  if (!write_atomically(options_.targets_file, json::serialize(targets) + "\n"))
    spdlog::error("cluster: cannot write targets file {}", options_.targets_file);
}

void Cluster::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  *alive_ = false;
  sink_->detach();
  for (auto& [item, timer] : delayed_) timer->cancel();
  delayed_.clear();
  if (resync_timer_) resync_timer_->cancel();
  if (runner_) runner_->shutdown();
  queue_.clear();
  queued_.clear();
}

void Cluster::on_event(const WatchEvent& event) {
  // Called from inside a store write: only record what to look at, never write back from here.
  const auto& k = event.key;
  const json::object* obj = event.object ? event.object.get() : nullptr;
  if ((k.group.empty() && k.resource == "pods") || (k.group == "apps" && k.resource == "replicasets"))
    owners_.update(k, event.type == "DELETED" ? nullptr : obj);
  if (k.group == "apps" && k.resource == "deployments") {
    enqueue({Kind::Deployment, k.ns, k.name});
  } else if (k.group == "apps" && k.resource == "replicasets") {
    enqueue({Kind::ReplicaSet, k.ns, k.name});
    if (obj)
      if (auto owner = controller_name(*obj, "Deployment"); !owner.empty())
        enqueue({Kind::Deployment, k.ns, owner});
  } else if (k.group.empty() && k.resource == "pods") {
    targets_dirty_ = true;
    if (event.type == "DELETED" && obj) {
      std::string uid = str_at(*obj, {"metadata", "uid"});
      ips_.release(uid);
      if (runner_) runner_->stop(uid);
      pod_started_.erase(uid);
    }
    enqueue({Kind::Pod, k.ns, k.name});  // also after a deletion: the drain rewrites the targets file
    if (obj) {
      if (auto rs = controller_name(*obj, "ReplicaSet"); !rs.empty()) enqueue({Kind::ReplicaSet, k.ns, rs});
      if (auto job = controller_name(*obj, "Job"); !job.empty()) enqueue({Kind::Job, k.ns, job});
    }
  } else if (k.group == "batch" && k.resource == "jobs") {
    enqueue({Kind::Job, k.ns, k.name});
  }
}

void Cluster::enqueue(Item item) {
  if (stopped_) return;
  if (queued_.insert(item).second) queue_.push_back(std::move(item));
  if (drain_posted_) return;
  drain_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  boost::asio::post(executor_, [this, alive] {
    if (auto a = alive.lock(); a && *a) drain();
  });
}

void Cluster::enqueue_after(const Item& item, std::chrono::milliseconds delay) {
  if (stopped_) return;
  if (delay <= std::chrono::milliseconds::zero()) delay = std::chrono::milliseconds(1);
  auto deadline = std::chrono::steady_clock::now() + delay;
  if (auto it = delayed_.find(item); it != delayed_.end()) {
    if (it->second->expiry() <= deadline) return;  // an earlier re-check is already due
    it->second->cancel();
    delayed_.erase(it);
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(executor_, deadline);
  delayed_[item] = timer;
  std::weak_ptr<bool> alive = alive_;
  timer->async_wait([this, alive, item, timer](boost::system::error_code ec) {
    auto a = alive.lock();
    if (ec || !a || !*a) return;
    if (auto it = delayed_.find(item); it != delayed_.end() && it->second == timer) delayed_.erase(it);
    enqueue(item);
  });
}

void Cluster::enqueue_all() {
  for (auto& [k, o] : api_.store().list("apps", "deployments", "")) enqueue({Kind::Deployment, k.ns, k.name});
  for (auto& [k, o] : api_.store().list("apps", "replicasets", "")) enqueue({Kind::ReplicaSet, k.ns, k.name});
  for (auto& [k, o] : api_.store().list("", "pods", "")) enqueue({Kind::Pod, k.ns, k.name});
  for (auto& [k, o] : api_.store().list("batch", "jobs", "")) enqueue({Kind::Job, k.ns, k.name});
}

void Cluster::schedule_resync() {
  if (options_.resync <= std::chrono::milliseconds::zero()) return;
  resync_timer_ = std::make_unique<boost::asio::steady_timer>(executor_, options_.resync);
  std::weak_ptr<bool> alive = alive_;
  resync_timer_->async_wait([this, alive](boost::system::error_code ec) {
    auto a = alive.lock();
    if (ec || !a || !*a) return;
    collect_orphans();
    enqueue_all();
    schedule_resync();
  });
}

void Cluster::drain() {
  drain_posted_ = false;
  // A bounded batch per handler, so the network layer gets its turn between batches.
  constexpr std::size_t kBatch = 256;
  std::vector<Item> batch;
  std::size_t n = std::min(kBatch, queue_.size());
  batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  for (const auto& item : batch) queued_.erase(item);
  for (const auto& item : batch) {
    if (stopped_) return;
    try {
      sync(item);
    } catch (const std::exception& e) {
      // A malformed object must not take the cluster down; it is retried on the next resync.
      spdlog::error("cluster: reconciling {}/{} failed: {}", item.ns, item.name, e.what());
    }
  }
  if (queue_.empty()) write_targets();  // once per burst of changes, not per pod
  if (!queue_.empty() && !drain_posted_) {
    drain_posted_ = true;
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(executor_, [this, alive] {
      if (auto a = alive.lock(); a && *a) drain();
    });
  }
}

void Cluster::sync(const Item& item) {
  switch (item.kind) {
    case Kind::Deployment:
      sync_deployment(item.ns, item.name);
      break;
    case Kind::ReplicaSet:
      sync_replicaset(item.ns, item.name);
      break;
    case Kind::Pod:
      sync_pod(item.ns, item.name);
      break;
    case Kind::Job:
      sync_job(item.ns, item.name);
      break;
  }
}

}  // namespace kubesim::cluster
