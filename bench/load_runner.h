#ifndef BENCH_LOAD_RUNNER_H_
#define BENCH_LOAD_RUNNER_H_

// Closed-loop load: N client threads, each asking for one checkpoint after the
// other for a given time (or count). Used against the endpoint, and against a
// floor that does only the file system work a checkpoint cannot avoid.
// Functions block until the run ends; a run's threads are its own.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bench/checkpoint_client.h"

namespace bench {

struct LoadResult {
  int concurrency = 0;
  double seconds = 0;
  long requests = 0;  // completed, successful or not
  long errors = 0;
  std::string first_error;
  std::vector<double> latencies_ms;  // successful requests
  double rate() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

// Keep-alive endpoint clients, one per thread, kept across runs.
class EndpointLoad {
 public:
  EndpointLoad(EndpointAddress address, const Node* node)
      : address_(std::move(address)), node_(node) {}
  // Runs `concurrency` threads for `seconds`, or until `max_requests` (if > 0)
  // are done. Containers are taken round-robin across all runs; each archive is
  // deleted by the client once answered.
  LoadResult Run(int concurrency, double seconds, long max_requests = 0);

 private:
  EndpointAddress address_;
  const Node* node_;
  std::vector<std::unique_ptr<EndpointClient>> clients_;
  std::atomic<size_t> cursor_{0};
};

// The floor: per request, create a new file in `dir` (O_CREAT|O_EXCL), write
// `bytes`, fsync, close, rename it to its final name, and delete it (the
// endpoint's clients delete their archives too).
LoadResult RunFloorLoad(const std::string& dir, size_t bytes, int concurrency, double seconds);

}  // namespace bench

#endif  // BENCH_LOAD_RUNNER_H_
