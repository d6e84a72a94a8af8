#ifndef TESTING_FAKE_CRI_CLOCK_H_
#define TESTING_FAKE_CRI_CLOCK_H_

#include <mutex>

#include "fake-cri/clock.h"

namespace kit::testing {

// fake-cri's clock (fakecri::Clock), moving only when told to or when someone
// sleeps on it: SleepUntil jumps straight to its target, so a test can run a
// "two minute" checkpoint in microseconds and then assert exactly how long it
// was modelled to take. Thread-safe.
class FakeCriClock final : public fakecri::Clock {
 public:
  using SteadyTime = fakecri::SteadyTime;
  using Nanos = fakecri::Nanos;

  SteadyTime Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  int64_t WallNanos() override {
    std::lock_guard<std::mutex> lock(mu_);
    return kWallBase + (now_ - SteadyTime()).count();
  }
  bool SleepUntil(SteadyTime until, const std::function<bool()>& stop) override {
    if (stop && stop()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    if (until > now_) now_ = until;
    return true;
  }
  void Advance(Nanos d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  // Time since the clock was made.
  Nanos Elapsed() {
    std::lock_guard<std::mutex> lock(mu_);
    return now_ - SteadyTime();
  }

  // 2024-10-15T03:18:00Z, the docs page's timestamp.
  static constexpr int64_t kWallBase = 1728962280LL * 1'000'000'000;

 private:
  std::mutex mu_;
  SteadyTime now_{};
};

}  // namespace kit::testing

#endif  // TESTING_FAKE_CRI_CLOCK_H_
