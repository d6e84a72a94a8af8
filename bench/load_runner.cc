#include "bench/load_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <thread>

#include "bench/bench_util.h"

namespace bench {
namespace {

// Runs body(thread, &result) in `concurrency` threads until the time is up or
// `max_requests` are done; body returns false once the budget is spent.
template <typename Body>
LoadResult RunThreads(int concurrency, double seconds, long max_requests, Body body) {
  LoadResult total;
  total.concurrency = concurrency;
  std::mutex mu;
  std::atomic<long> budget{max_requests > 0 ? max_requests : -1};
  const auto start = SteadyClock::now();
  const auto stop = start + std::chrono::duration_cast<SteadyClock::duration>(
                                std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      LoadResult mine;
      while (SteadyClock::now() < stop) {
        if (max_requests > 0 && budget.fetch_sub(1) <= 0) break;
        body(t, &mine);
      }
      std::lock_guard<std::mutex> lock(mu);
      total.requests += mine.requests;
      total.errors += mine.errors;
      if (total.first_error.empty()) total.first_error = mine.first_error;
      total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(),
                                mine.latencies_ms.end());
    });
  }
  for (auto& t : threads) t.join();
  total.seconds = SecondsSince(start);
  return total;
}

void Record(const CheckpointResult& r, LoadResult* out) {
  ++out->requests;
  if (r.ok) {
    out->latencies_ms.push_back(r.seconds * 1e3);
  } else {
    ++out->errors;
    if (out->first_error.empty()) out->first_error = r.error;
  }
}

}  // namespace

LoadResult EndpointLoad::Run(int concurrency, double seconds, long max_requests) {
  while (static_cast<int>(clients_.size()) < concurrency) {
    clients_.push_back(std::make_unique<EndpointClient>(address_));
  }
  return RunThreads(concurrency, seconds, max_requests, [&](int t, LoadResult* out) {
    const auto& target = node_->targets[cursor_.fetch_add(1) % node_->targets.size()];
    CheckpointResult r = clients_[t]->Checkpoint("bench", target.pod, target.container);
    if (r.ok) ::unlink(r.location.c_str());
    Record(r, out);
  });
}

LoadResult RunFloorLoad(const std::string& dir, size_t bytes, int concurrency, double seconds) {
  const std::string data(bytes, 'x');
  std::atomic<long> seq{0};
  return RunThreads(concurrency, seconds, 0, [&](int, LoadResult* out) {
    const std::string name = dir + "/floor-" + std::to_string(seq.fetch_add(1));
    const std::string tmp = name + ".tmp";
    CheckpointResult r;
    const auto start = SteadyClock::now();
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0 &&
              ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
              ::fsync(fd) == 0;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    ok = ok && ::rename(tmp.c_str(), name.c_str()) == 0;
    r.seconds = SecondsSince(start);
    r.ok = ok;
    if (!ok) r.error = "floor file operation failed";
    ::unlink(ok ? name.c_str() : tmp.c_str());
    Record(r, out);
  });
}

}  // namespace bench
