#pragma once
// Injected randomness: jitter, randomised watch timeouts and identity suffixes come from a Random,
// so tests can pin them.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace rollguard::runtime {

// Returns a uniformly distributed double in [0, 1).
using Random = std::function<double()>;

// A Mersenne Twister seeded from std::random_device; not thread-safe (one per owner).
Random default_random();
// Always returns value (clamped to [0, 1)); for tests.
Random fixed_random(double value);
// n lowercase alphanumeric characters, e.g. the suffix of a leader-election identity.
std::string random_suffix(const Random& random, std::size_t n);

}  // namespace rollguard::runtime
