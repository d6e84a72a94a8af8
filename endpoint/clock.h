#ifndef ENDPOINT_CLOCK_H_
#define ENDPOINT_CLOCK_H_

#include <chrono>
#include <thread>

namespace endpoint {

using WallTime = std::chrono::system_clock::time_point;

// Wall-clock time for archive names and deadlines, injected so that tests can
// make two requests land in the same second, or step over a second, at will.
// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() = 0;
  virtual void SleepUntil(WallTime t) = 0;
};

class RealClock final : public Clock {
 public:
  WallTime Now() override { return std::chrono::system_clock::now(); }
  void SleepUntil(WallTime t) override { std::this_thread::sleep_until(t); }
};

}  // namespace endpoint

#endif  // ENDPOINT_CLOCK_H_
