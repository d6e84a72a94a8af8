#ifndef TESTING_WAIT_FOR_H_
#define TESTING_WAIT_FOR_H_

#include <chrono>
#include <thread>

namespace kit::testing {

// Polls `cond` every 2 ms until it holds or `within` has passed; returns its
// last value. Integration tests wait on a condition with a deadline, never on
// a fixed sleep.
template <typename Cond>
bool WaitFor(Cond cond, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return cond();
}

}  // namespace kit::testing

#endif  // TESTING_WAIT_FOR_H_
