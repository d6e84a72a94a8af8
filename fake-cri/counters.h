#ifndef FAKE_CRI_COUNTERS_H_
#define FAKE_CRI_COUNTERS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace fakecri {

// What the runtime has done, read back through the control service. Thread-safe.
class Counters {
 public:
  void CountCall(const std::string& method) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[method];
  }
  std::map<std::string, uint64_t> Calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::atomic<uint64_t> checkpoints_written{0};
  std::atomic<uint64_t> checkpoints_failed{0};
  std::atomic<uint64_t> bytes_written{0};

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> calls_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_COUNTERS_H_
