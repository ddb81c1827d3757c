#pragma once
// Notifications, the I/O part: delivers what a policy's status.notifications.outbox holds, off the
// reconcile path. The reconciler only calls sync() (after its status write: a queue push, never a
// wait) and folds confirmations into its next status; everything else runs in coroutines of the
// controller's one io_context:
//   - a bounded queue (a full queue defers: the entry stays in the outbox, the next sync queues it)
//   - a few workers, one delivery attempt each at a time, each attempt under the receiver's timeout
//   - retries with exponential backoff (notify::retry_delay) for network errors, 408, 429, 5xx; a
//     receiver that rejects the request (another 4xx) is not retried
//   - a delivered (or given-up) entry is confirmed: the reconciler removes it from the outbox and
//     records its key, so a restarted controller sends only what was not confirmed (at least once;
//     receivers deduplicate on the idempotency key)
//   - while a policy's incident is open, its Alertmanager alert is re-posted every kAlertRepeat
// URLs come from Secrets and are never logged: logs name the policy and the receiver.
// Metrics: rollguard_notifications_total{receiver,event,result} (delivered, retried, failed, deferred,
// superseded: an Alertmanager firing post not sent because the incident closed meanwhile).
#include <prometheus/registry.h>

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "kube/client.hpp"
#include "kube/clock.hpp"
#include "rollguard/policy.hpp"
#include "rollguard/status.hpp"

namespace rollguard {

struct NotifierOptions {
  std::size_t max_queue = 256;
  int workers = 4;
  std::chrono::milliseconds alert_repeat = std::chrono::seconds(60);  // notify::kAlertRepeat; --alert-repeat
};

class Notifier {
 public:
  Notifier(boost::asio::any_io_executor executor, std::shared_ptr<kube::Client> client,
           std::shared_ptr<kube::Clock> clock, prometheus::Registry& registry, NotifierOptions options = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Starts the workers and the Alertmanager re-poster on the executor; stop() ends them (in-flight
  // attempts are canceled; what they carried stays in the outbox).
  void start();
  void stop();

  // Called with a policy whose status (as written) holds `status`: queues every outbox entry and
  // receiver not queued, in flight or confirmed; forgets confirmations the status reflects now.
  void sync(const Policy& policy, const NotificationStatus& status);
  // Confirmations of this policy (ns/name) not yet in its status, applied to `status`. True when
  // it changed.
  bool apply_confirmations(const std::string& policy_key, NotificationStatus& status) const;
  // The policy was deleted.
  void forget(const std::string& policy_key);
  // Called (ns, name) after a delivery was confirmed, so the policy is reconciled and the
  // confirmation written.
  void on_confirmed(std::function<void(const std::string&, const std::string&)> callback);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace rollguard
