#include "fake-cri/latency_model.h"

#include <cmath>

namespace fakecri {

LatencyParams LatencyOverride::ApplyTo(LatencyParams base) const {
  if (fixed_cost_ns) base.fixed_cost_ns = *fixed_cost_ns;
  if (throughput_bytes_per_second) base.throughput_bytes_per_second = *throughput_bytes_per_second;
  return base;
}

int64_t ModelledCheckpointNanos(uint64_t working_set_bytes, const LatencyParams& params, double u) {
  double seconds = static_cast<double>(working_set_bytes) / params.throughput_bytes_per_second;
  double nanos = static_cast<double>(params.fixed_cost_ns) + seconds * 1e9;
  nanos *= 1.0 + params.jitter * u;
  if (!(nanos > 0)) return 0;
  // Saturate: a petabyte at one byte a second must not wrap into a negative time.
  if (nanos >= 9.2e18) return INT64_MAX;
  return static_cast<int64_t>(std::llround(nanos));
}

double JitterSource::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::uniform_real_distribution<double>(-1.0, 1.0)(rng_);
}

}  // namespace fakecri
