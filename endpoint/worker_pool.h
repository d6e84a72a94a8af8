#ifndef ENDPOINT_WORKER_POOL_H_
#define ENDPOINT_WORKER_POOL_H_

// Threads for work that blocks (authentication against a webhook, a
// checkpoint that runs for minutes), so that the server's I/O thread never
// does. A task runs at once on an idle thread, or on a new one while fewer than
// `max_threads` exist; past that it waits its turn. A thread idle for
// `idle_exit` ends. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace endpoint {

class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads,
                      std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  // Runs what is queued, then joins every thread.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  // Waits for every task submitted so far, and for every thread, to end; later
  // Submits run nothing. Idempotent.
  void Shutdown();

  size_t threads() const;

 private:
  void Run(uint64_t id);
  // Joins the threads that have ended. REQUIRES: mu_ not held.
  void Reap();

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable work_;             // a task, or stopping
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  std::map<uint64_t, std::thread> threads_;  // guarded by mu_; running or ended
  std::vector<uint64_t> ended_;              // guarded by mu_; to be joined
  uint64_t next_id_ = 0;                     // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  size_t idle_ = 0;                          // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
};

}  // namespace endpoint

#endif  // ENDPOINT_WORKER_POOL_H_
