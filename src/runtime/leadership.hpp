#pragma once
// Whether this process may act: the one flag every mutating call consults (controller workers,
// reconcilers, the event recorder). A LeaderElector drives it through callbacks(); the guard is a
// cheap handle (copies share one state) whose is_leader() is a single atomic load, so checking it
// before every write costs nothing.
//
// The timing argument: the elector's watchdog calls on_stopped_leading at the renew deadline, which
// is earlier than the moment any other candidate can see the lease expire (lease_duration >
// renew_deadline). From that call on, check() refuses every write, and Controller cancels the
// reconciles in flight, so no write of ours is started after the renew deadline.
//
// Leadership is one-shot, as for LeaderElector (a process that lost the lease never leads again):
// started_leading() after stopped_leading() is ignored.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "kube/result.hpp"
#include "runtime/leader_elector.hpp"

namespace rollguard::runtime {

class LeadershipGuard {
 public:
  // Not leading until started_leading().
  LeadershipGuard();
  // Leads from the start and never stops: a single replica without election, tests.
  static LeadershipGuard always();

  bool is_leader() const noexcept;
  // Ok while leading; otherwise an ErrorKind::Canceled error "not the leader: refusing <action>",
  // for a mutating call to return at once instead of writing.
  kube::Result<void> check(std::string_view action) const;

  void started_leading();
  void stopped_leading();

  // Complete when leadership starts / ends (immediately if it already did), or when the caller's
  // cancellation fires.
  boost::asio::awaitable<void> wait_until_leading() const;
  boost::asio::awaitable<void> wait_until_lost() const;

  // Callbacks for LeaderElector::run that update this guard first, then call `then`'s.
  LeaderCallbacks callbacks(LeaderCallbacks then = {}) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace rollguard::runtime
