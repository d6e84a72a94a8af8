#include "fake-cri/clock.h"

#include <algorithm>
#include <thread>

namespace fakecri {

SteadyTime RealClock::Now() { return std::chrono::steady_clock::now(); }

int64_t RealClock::WallNanos() {
  return std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool RealClock::SleepUntil(SteadyTime until, const std::function<bool()>& stop) {
  constexpr auto kPoll = std::chrono::milliseconds(5);
  for (;;) {
    if (stop && stop()) return false;
    auto now = Now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<SteadyTime::duration>(until - now, kPoll));
  }
}

}  // namespace fakecri
