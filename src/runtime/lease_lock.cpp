#include "runtime/lease_lock.hpp"

#include "kube/object_meta.hpp"

namespace rollguard::runtime {

namespace {

kube::Result<LeaseSnapshot> snapshot(const kube::Result<boost::json::value>& answer) {
  if (!answer) return answer.error();
  auto* object = answer->if_object();
  if (!object) return kube::Error(kube::ErrorKind::Decode, "Lease is not a JSON object");
  return LeaseSnapshot{LeaseRecord::from_lease(*object), std::string(kube::meta::resource_version(*object))};
}

class ClientLeaseLock final : public LeaseLock {
 public:
  ClientLeaseLock(std::shared_ptr<kube::Client> client, std::string ns, std::string name)
      : client_(std::move(client)), ns_(std::move(ns)), name_(std::move(name)) {}

  boost::asio::awaitable<kube::Result<std::optional<LeaseSnapshot>>> get() override {
    auto answer = co_await client_->get(resource_, ns_, name_);
    if (!answer && answer.error().is_not_found()) co_return std::optional<LeaseSnapshot>();
    auto snap = snapshot(answer);
    if (!snap) co_return snap.error();
    co_return std::optional<LeaseSnapshot>(std::move(*snap));
  }

  boost::asio::awaitable<kube::Result<LeaseSnapshot>> create(const LeaseRecord& record) override {
    auto body = lease(record, {});
    kube::WriteOptions options;  // named: see resource_
    auto answer = co_await client_->create(resource_, ns_, body, options);
    co_return snapshot(answer);
  }

  boost::asio::awaitable<kube::Result<LeaseSnapshot>> update(const LeaseRecord& record,
                                                             const std::string& resource_version) override {
    // PUT with metadata.resourceVersion: optimistic concurrency, 409 if anyone wrote in between.
    auto body = lease(record, resource_version);
    kube::WriteOptions options;
    auto answer = co_await client_->replace(resource_, ns_, name_, body, options);
    co_return snapshot(answer);
  }

 private:
  boost::json::value lease(const LeaseRecord& record, const std::string& resource_version) const {
    boost::json::object metadata{{"name", name_}, {"namespace", ns_}};
    if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
    return boost::json::object{{"apiVersion", "coordination.k8s.io/v1"},
                               {"kind", "Lease"},
                               {"metadata", std::move(metadata)},
                               {"spec", record.to_spec()}};
  }

  std::shared_ptr<kube::Client> client_;
  // Arguments of co_awaited calls are named members/locals, never braced temporaries or defaulted
  // `= {}` parameters: GCC 12 destroys those twice inside a co_await expression.
  const kube::ResourceDescriptor resource_ = kube::ResourceDescriptor::leases();
  std::string ns_;
  std::string name_;
};

}  // namespace

std::unique_ptr<LeaseLock> client_lease_lock(std::shared_ptr<kube::Client> client, std::string ns,
                                             std::string name) {
  return std::make_unique<ClientLeaseLock>(std::move(client), std::move(ns), std::move(name));
}

}  // namespace rollguard::runtime
