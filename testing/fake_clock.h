#ifndef TESTING_FAKE_CLOCK_H_
#define TESTING_FAKE_CLOCK_H_

#include <chrono>
#include <mutex>
#include <vector>

#include "endpoint/clock.h"

namespace kit::testing {

// The endpoint's wall clock (endpoint::Clock), moving only when told to or when
// someone sleeps on it: SleepUntil returns at once, having moved the time.
// Remembers every sleep's length, so retry and naming waits are checked
// without waiting. Thread-safe.
class FakeClock final : public endpoint::Clock {
 public:
  using WallTime = endpoint::WallTime;
  // Default start: 2024-01-01 roughly (54 years of 365 days after the epoch).
  explicit FakeClock(WallTime start = WallTime(std::chrono::hours(24 * 365 * 54))) : now_(start) {}

  WallTime Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void SleepUntil(WallTime t) override {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(t - now_);
    if (t > now_) now_ = t;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  std::vector<WallTime::duration> sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  WallTime now_;                            // guarded by mu_
  std::vector<WallTime::duration> sleeps_;  // guarded by mu_
};

}  // namespace kit::testing

#endif  // TESTING_FAKE_CLOCK_H_
