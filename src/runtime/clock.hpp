#pragma once
// The runtime's clock is kube's (kube/clock.hpp): one Clock/FakeClock for the client and the
// runtime, so one FakeClock drives both in a test. Re-exported so runtime code names it as before.
#include "kube/clock.hpp"

namespace rollguard::runtime {

using kube::Clock;
using kube::FakeClock;

}  // namespace rollguard::runtime
