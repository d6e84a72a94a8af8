#include "endpoint/worker_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "gtest/gtest.h"
#include "testing/wait_for.h"

namespace endpoint {
namespace {

using std::chrono::milliseconds;

TEST(WorkerPool, ABlockedTaskDoesNotHoldUpTheNext) {
  WorkerPool pool(8);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> done{0};
  pool.Submit([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    done++;
  });
  pool.Submit([&] { done++; });
  EXPECT_TRUE(kit::testing::WaitFor([&] { return done.load() == 1; }));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(kit::testing::WaitFor([&] { return done.load() == 2; }));
}

TEST(WorkerPool, NeverMoreThreadsThanItsLimitTheRestQueue) {
  WorkerPool pool(2);
  std::atomic<int> running{0}, most{0}, done{0};
  for (int i = 0; i < 20; ++i) {
    pool.Submit([&] {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(milliseconds(2));
      --running;
      ++done;
    });
  }
  EXPECT_TRUE(kit::testing::WaitFor([&] { return done.load() == 20; }));
  EXPECT_LE(most.load(), 2);
  EXPECT_LE(pool.threads(), 2u);
}

TEST(WorkerPool, IdleThreadsEndAndShutdownRunsWhatIsQueued) {
  WorkerPool pool(4, milliseconds(20));
  std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) pool.Submit([&] { done++; });
  EXPECT_TRUE(kit::testing::WaitFor([&] { return done.load() == 4 && pool.threads() == 0; }));
  pool.Submit([&] {
    std::this_thread::sleep_for(milliseconds(20));
    done++;
  });
  pool.Shutdown();
  EXPECT_EQ(done.load(), 5);
  pool.Submit([&] { done++; });  // after Shutdown: nothing runs
  EXPECT_EQ(done.load(), 5);
}

}  // namespace
}  // namespace endpoint
