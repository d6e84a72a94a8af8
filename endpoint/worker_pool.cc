#include "endpoint/worker_pool.h"

namespace endpoint {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads == 0 ? 1 : max_threads), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() { Shutdown(); }

void WorkerPool::Submit(std::function<void()> task) {
  Reap();
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;
  tasks_.push_back(std::move(task));
  if (idle_ >= tasks_.size() || running_ >= max_threads_) {
    work_.notify_one();
    return;
  }
  const uint64_t id = next_id_++;
  ++running_;
  threads_.emplace(id, std::thread([this, id] { Run(id); }));
}

void WorkerPool::Run(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (tasks_.empty()) {
      if (stopping_) break;
      ++idle_;
      const bool got =
          work_.wait_for(lock, idle_exit_, [this] { return !tasks_.empty() || stopping_; });
      --idle_;
      if (!got) break;  // idle too long
      continue;
    }
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // its captures go before the lock is taken again
    lock.lock();
  }
  --running_;
  ended_.push_back(id);
}

void WorkerPool::Reap() {
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t id : ended_) {
      auto it = threads_.find(id);
      if (it == threads_.end()) continue;  // joined by Shutdown already
      done.push_back(std::move(it->second));
      threads_.erase(it);
    }
    ended_.clear();
  }
  for (std::thread& t : done) t.join();
}

void WorkerPool::Shutdown() {
  std::map<uint64_t, std::thread> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    work_.notify_all();
    all.swap(threads_);
  }
  for (auto& [id, t] : all) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  ended_.clear();
}

size_t WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

}  // namespace endpoint
