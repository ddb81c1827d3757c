#pragma once
// The Lease behind leader election, read and written through kube::Client (lease_lock.cpp), or
// through a test double that implements LeaseLock.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>

#include "kube/client.hpp"
#include "runtime/leader_election.hpp"

namespace rollguard::runtime {

struct LeaseSnapshot {
  LeaseRecord record;
  std::string resource_version;
};

// Reads and writes one Lease. The client-backed lock uses GET, POST and PUT with the observed
// resourceVersion (so a concurrent writer makes ours fail with 409 Conflict).
class LeaseLock {
 public:
  virtual ~LeaseLock() = default;
  // nullopt when the Lease does not exist.
  virtual boost::asio::awaitable<kube::Result<std::optional<LeaseSnapshot>>> get() = 0;
  virtual boost::asio::awaitable<kube::Result<LeaseSnapshot>> create(const LeaseRecord& record) = 0;
  virtual boost::asio::awaitable<kube::Result<LeaseSnapshot>> update(const LeaseRecord& record,
                                                                     const std::string& resource_version) = 0;
};

std::unique_ptr<LeaseLock> client_lease_lock(std::shared_ptr<kube::Client> client, std::string ns,
                                             std::string name);

}  // namespace rollguard::runtime
