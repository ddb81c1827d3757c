#include "rollout_math.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

namespace kubesim::cluster {
namespace json = boost::json;

namespace {
// Replica counts are int32 in the Kubernetes API; clamping keeps the arithmetic below (sums and
// percent products) far from overflow whatever a client sends.
constexpr std::int64_t kMaxReplicas = std::int64_t{1} << 31;
std::int64_t clamp(std::int64_t v) { return std::clamp<std::int64_t>(v, 0, kMaxReplicas); }
}  // namespace

std::int64_t scaled_value(const json::value* v, std::int64_t total, bool round_up) {
  if (!v) return 0;
  total = clamp(total);
  if (v->is_int64()) return clamp(v->as_int64());
  if (v->is_uint64())
    return v->as_uint64() > static_cast<std::uint64_t>(kMaxReplicas)
               ? kMaxReplicas
               : clamp(static_cast<std::int64_t>(v->as_uint64()));
  if (!v->is_string()) return 0;
  std::string_view s = v->as_string();
  if (s.empty()) return 0;
  bool percent = s.back() == '%';
  if (percent) s.remove_suffix(1);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size() || n < 0) return 0;
  n = clamp(n);
  if (!percent) return n;
  std::int64_t product = n * total;
  return round_up ? (product + 99) / 100 : product / 100;
}

Fenceposts resolve_fenceposts(const json::value* max_surge, const json::value* max_unavailable,
                              std::int64_t desired) {
  Fenceposts f{scaled_value(max_surge, desired, true), scaled_value(max_unavailable, desired, false)};
  if (f.max_surge == 0 && f.max_unavailable == 0) f.max_unavailable = 1;
  return f;
}

std::int64_t new_rs_replicas(std::int64_t desired, std::int64_t max_surge, std::int64_t new_spec,
                             std::int64_t total_spec) {
  std::int64_t max_total = desired + max_surge;
  if (total_spec >= max_total) return new_spec;  // already surged as far as allowed
  std::int64_t up = std::min(max_total - total_spec, desired - new_spec);
  return up > 0 ? new_spec + up : new_spec;
}

std::vector<std::int64_t> scale_down_old(std::int64_t desired, std::int64_t max_unavailable,
                                         std::int64_t new_spec, std::int64_t new_available,
                                         const std::vector<OldReplicaSet>& olds) {
  std::vector<std::int64_t> out;
  std::int64_t all = new_spec, old_available = 0;
  for (const auto& o : olds) {
    out.push_back(o.spec);
    all += o.spec;
    old_available += o.available;
  }
  std::int64_t min_available = desired - max_unavailable;
  std::int64_t new_unavailable = std::max<std::int64_t>(0, new_spec - new_available);
  std::int64_t max_scaled_down = all - min_available - new_unavailable;
  if (max_scaled_down <= 0) return out;
  // Unhealthy old replicas first: removing them costs no availability.
  std::int64_t done = 0;
  for (std::size_t i = 0; i < olds.size() && done < max_scaled_down; ++i) {
    std::int64_t unhealthy = out[i] - olds[i].available;
    if (out[i] == 0 || unhealthy <= 0) continue;
    std::int64_t d = std::min(max_scaled_down - done, unhealthy);
    out[i] -= d;
    done += d;
  }
  // Then available ones, while the total available stays at or above the minimum.
  std::int64_t available = old_available + new_available;
  if (available <= min_available) return out;
  std::int64_t budget = available - min_available, used = 0;
  for (std::size_t i = 0; i < out.size() && used < budget; ++i) {
    if (out[i] == 0) continue;
    std::int64_t d = std::min(out[i], budget - used);
    out[i] -= d;
    used += d;
  }
  return out;
}

std::vector<std::size_t> deletion_order(const std::vector<PodRank>& pods) {
  std::vector<std::size_t> idx(pods.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = pods[a];
    const auto& y = pods[b];
    if (x.assigned != y.assigned) return !x.assigned;
    if (x.phase != y.phase) return x.phase < y.phase;
    if (x.ready != y.ready) return !x.ready;
    if (x.ready && x.ready_since != y.ready_since) return x.ready_since > y.ready_since;
    if (x.restarts != y.restarts) return x.restarts > y.restarts;
    return x.created > y.created;
  });
  return idx;
}

}  // namespace kubesim::cluster
