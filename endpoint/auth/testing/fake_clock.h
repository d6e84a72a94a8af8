#ifndef ENDPOINT_AUTH_TESTING_FAKE_CLOCK_H_
#define ENDPOINT_AUTH_TESTING_FAKE_CLOCK_H_

// Test-only: wall time that moves only when told to, or when someone sleeps
// on it (the sleep returns at once, having moved the time). Counts sleeps and
// remembers their lengths, so retry waits can be checked without waiting.
// Thread-safe.

#include <chrono>
#include <mutex>
#include <vector>

#include "endpoint/clock.h"

namespace endpoint::testing {

class FakeClock final : public Clock {
 public:
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

}  // namespace endpoint::testing

#endif  // ENDPOINT_AUTH_TESTING_FAKE_CLOCK_H_
