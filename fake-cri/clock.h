#ifndef FAKE_CRI_CLOCK_H_
#define FAKE_CRI_CLOCK_H_

#include <chrono>
#include <functional>

namespace fakecri {

using SteadyTime = std::chrono::steady_clock::time_point;
using Nanos = std::chrono::nanoseconds;

// Time as the fake runtime sees it. Logic never reads the wall clock directly, so
// tests can run a checkpoint "for two minutes" without sleeping. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for deadlines and pacing.
  virtual SteadyTime Now() = 0;
  // Wall-clock time in ns since the epoch, for CRI timestamps.
  virtual int64_t WallNanos() = 0;
  // Blocks until `until`, or until `stop()` returns true (polled at least every
  // 5 ms). Returns true if `until` was reached, false if stopped early.
  virtual bool SleepUntil(SteadyTime until, const std::function<bool()>& stop) = 0;
};

// The real clock. The 5 ms poll bounds how late a cancelled call notices it.
class RealClock final : public Clock {
 public:
  SteadyTime Now() override;
  int64_t WallNanos() override;
  bool SleepUntil(SteadyTime until, const std::function<bool()>& stop) override;
};

}  // namespace fakecri

#endif  // FAKE_CRI_CLOCK_H_
