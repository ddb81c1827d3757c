#pragma once
// The leader-election loop around the pure rules of leader_election.hpp:
//   campaign: every jittered retry_period, read the Lease and create/update it when free or expired;
//   lead:     every retry_period renew it; a watchdog independent of the API call ends leadership when
//             no renewal succeeded for renew_deadline (a hung request cannot keep us leader);
//   stop:     shut_down() ends the loop; a leader releases the Lease (holder "", 1 s) on the way out.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>

#include "kube/client.hpp"
#include "runtime/leader_election.hpp"
#include "runtime/lease_lock.hpp"
#include "runtime/notifier.hpp"

namespace rollguard::runtime {

struct LeaderCallbacks {
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& holder)> on_new_leader;  // observed holder changed
};

class LeaderElector {
 public:
  // config must pass validate() (checked by the caller at startup; a bad config is a usage error).
  LeaderElector(std::unique_ptr<LeaseLock> lock, std::shared_ptr<Clock> clock, LeaderElectionConfig config,
                Random random);
  ~LeaderElector();

  // Campaigns, then leads until leadership is lost or shut_down() is called. Returns after the
  // callbacks ran; never acquires again (client-go: a process that lost the lease exits).
  boost::asio::awaitable<void> run(LeaderCallbacks callbacks);
  void shut_down();

  bool is_leader() const { return leading_; }
  const LeaseObservation& observation() const { return observed_; }

 private:
  enum class Attempt { Acquired, NotAcquired };
  boost::asio::awaitable<Attempt> try_acquire_or_renew();
  boost::asio::awaitable<void> sleep(Clock::duration d);
  boost::asio::awaitable<void> deadline_watchdog();
  boost::asio::awaitable<void> renew_loop();
  void stop_leading();
  boost::asio::awaitable<void> release();

  std::unique_ptr<LeaseLock> lock_;
  std::shared_ptr<Clock> clock_;
  LeaderElectionConfig config_;
  Random random_;
  LeaderCallbacks callbacks_;
  LeaseObservation observed_;
  Clock::time_point last_renew_{};
  bool leading_ = false;
  bool stopping_ = false;
  Notifier wake_;  // cuts a sleep short: shut_down() or the renew deadline passed
};

}  // namespace rollguard::runtime
