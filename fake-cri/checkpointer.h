#ifndef FAKE_CRI_CHECKPOINTER_H_
#define FAKE_CRI_CHECKPOINTER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/archive/layout.h"
#include "fake-cri/clock.h"
#include "fake-cri/counters.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/latency_model.h"
#include "fake-cri/store.h"

namespace fakecri {

struct CheckpointerOptions {
  LatencyParams latency;
  // Model time / wall time: 10 runs a modelled 10 s checkpoint in 1 s. Default: 1.
  double time_scale = 1;
  // Bound used when a request's timeout is 0. Default: 120 s (the kubelet's default
  // --runtime-request-timeout, which is what it puts in the request).
  int64_t default_timeout_ns = 120'000'000'000;
  // Seed for the latency jitter draws. Default: 1.
  uint64_t jitter_seed = 1;
  ArchiveFlavor flavor = ArchiveFlavor::kCrio;
  PagesMode pages = PagesMode::kSparse;
  std::string runtime_version;
};

// One CheckpointContainer call as the gRPC edge hands it over.
struct CheckpointCall {
  std::string container_id;
  std::string location;
  int64_t timeout_seconds = 0;            // the request's field; 0 = default
  std::optional<SteadyTime> rpc_deadline;  // the gRPC deadline, if the client set one
  std::function<bool()> cancelled;        // true once the client has gone
  FaultDecision faults;
};

// Runs checkpoints: checks the container and the location, serializes
// checkpoints of one container (different containers run in parallel), writes
// the archive through an AtomicFile, paces the call to the latency model, and
// stops at the earlier of the gRPC deadline and the request's timeout, leaving
// nothing behind. Thread-safe.
class Checkpointer {
 public:
  // `crash` is what the crash fault calls to kill the runtime (default SIGKILL
  // to self); tests replace it.
  Checkpointer(Store* store, Clock* clock, FileOps* ops, Counters* counters,
               CheckpointerOptions options, std::function<void()> crash = {});

  absl::Status Checkpoint(const CheckpointCall& call);
  // Makes running and future checkpoints end (CANCELLED) and clean up.
  void Shutdown();

  const CheckpointerOptions& options() const { return options_; }

 private:
  bool AcquireContainer(const std::string& id, SteadyTime deadline,
                        const std::function<bool()>& stop);
  void ReleaseContainer(const std::string& id);
  absl::Status Run(const CheckpointCall& call, const Container& c, const Sandbox& sb,
                   SteadyTime start, SteadyTime deadline, const std::function<bool()>& stop);

  Store* store_;
  Clock* clock_;
  FileOps* ops_;
  Counters* counters_;
  CheckpointerOptions options_;
  std::function<void()> crash_;
  JitterSource jitter_;
  std::atomic<bool> shutting_down_{false};

  std::mutex busy_mu_;
  std::condition_variable busy_cv_;
  std::set<std::string> busy_;  // containers being checkpointed
};

}  // namespace fakecri

#endif  // FAKE_CRI_CHECKPOINTER_H_
