#include "pod_ip_allocator.hpp"

#include <cstdio>

namespace kubesim::cluster {

namespace {
constexpr unsigned kSpace = 65536;
bool usable(unsigned n) {
  unsigned y = n % 256;
  return n > 1 && y != 0 && y != 255;
}
std::string text(unsigned n) { return "127.0." + std::to_string(n / 256) + "." + std::to_string(n % 256); }
std::optional<unsigned> parse(const std::string& ip) {
  unsigned a, b, x, y;
  char tail;
  if (std::sscanf(ip.c_str(), "%u.%u.%u.%u%c", &a, &b, &x, &y, &tail) != 4) return std::nullopt;
  if (a != 127 || b != 0 || x > 255 || y > 255) return std::nullopt;
  return x * 256 + y;
}
}  // namespace

std::optional<std::string> PodIpAllocator::allocate(const std::string& pod_uid) {
  if (auto it = by_pod_.find(pod_uid); it != by_pod_.end()) return text(it->second);
  for (unsigned tries = 0; tries < kSpace; ++tries) {
    unsigned n = next_;
    next_ = (next_ + 1) % kSpace;
    if (!usable(n) || used_.count(n)) continue;
    used_.insert(n);
    by_pod_[pod_uid] = n;
    return text(n);
  }
  return std::nullopt;
}

void PodIpAllocator::reserve(const std::string& pod_uid, const std::string& ip) {
  auto n = parse(ip);
  if (!n || !usable(*n) || used_.count(*n) || by_pod_.count(pod_uid)) return;
  used_.insert(*n);
  by_pod_[pod_uid] = *n;
}

void PodIpAllocator::release(const std::string& pod_uid) {
  auto it = by_pod_.find(pod_uid);
  if (it == by_pod_.end()) return;
  used_.erase(it->second);
  by_pod_.erase(it);
}

}  // namespace kubesim::cluster
