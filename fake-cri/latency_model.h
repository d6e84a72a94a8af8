#ifndef FAKE_CRI_LATENCY_MODEL_H_
#define FAKE_CRI_LATENCY_MODEL_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

namespace fakecri {

// How long a checkpoint takes: fixed cost + working set / throughput, optionally
// scaled by (1 + jitter * u) with u uniform in [-1, 1].
//
// The defaults below are the reference profile's, from published timings: a
// fixed cost of a few hundred ms (freeze, metadata, rootfs diff) and 0.25-1
// GB/s of dumped memory through CRIU, engines slower; podman PR 12184's stats
// (346 MiB: memdump 0.50 s + memwrite 0.45 s, frozen 1.38 s) give ~330 MiB/s
// end to end. The real runtimes' profiles carry their measured numbers
// (profiles/runtime_profiles.cc, docs/runtime-profiles.md).
struct LatencyParams {
  // Default: 300 ms.
  int64_t fixed_cost_ns = 300'000'000;
  // Bytes of working set dumped per second. Default: 320 MiB/s.
  double throughput_bytes_per_second = 320.0 * 1024 * 1024;
  // Relative spread, 0 <= jitter < 1. Default: 0 (deterministic).
  double jitter = 0;
};

// A container's own settings; unset fields fall back to the runtime's.
struct LatencyOverride {
  std::optional<int64_t> fixed_cost_ns;
  std::optional<double> throughput_bytes_per_second;

  LatencyParams ApplyTo(LatencyParams base) const;
};

// The pure model; saturates at INT64_MAX instead of overflowing.
// REQUIRES: params.throughput_bytes_per_second > 0, -1 <= u <= 1.
int64_t ModelledCheckpointNanos(uint64_t working_set_bytes, const LatencyParams& params,
                                double u = 0);

// Draws u for the jitter from a seeded generator, so a run can be repeated.
// Thread-safe.
class JitterSource {
 public:
  explicit JitterSource(uint64_t seed) : rng_(seed) {}
  double Next();

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_LATENCY_MODEL_H_
