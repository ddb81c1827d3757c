#include "runtime/random.hpp"

#include <algorithm>
#include <random>

namespace rollguard::runtime {

Random default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

Random fixed_random(double value) {
  const double v = std::clamp(value, 0.0, std::nextafter(1.0, 0.0));
  return [v] { return v; };
}

std::string random_suffix(const Random& random, std::size_t n) {
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto index = static_cast<std::size_t>(random() * static_cast<double>(alphabet.size()));
    out.push_back(alphabet[std::min(index, alphabet.size() - 1)]);
  }
  return out;
}

}  // namespace rollguard::runtime
