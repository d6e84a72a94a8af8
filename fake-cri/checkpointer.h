#ifndef FAKE_CRI_CHECKPOINTER_H_
#define FAKE_CRI_CHECKPOINTER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "fake-cri/archive/faulty_file_ops.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/archive/layout.h"
#include "fake-cri/clock.h"
#include "fake-cri/counters.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/latency_model.h"
#include "fake-cri/profiles/runtime_profile.h"
#include "fake-cri/store.h"

namespace fakecri {

struct CheckpointerOptions {
  // The runtime to behave as. REQUIRES: not null. Default: the default profile.
  const RuntimeProfile* profile = FindRuntimeProfile(kDefaultRuntimeProfile);
  // Whether CRIU is installed (profiles that checkpoint through CRIU answer
  // their "CRIU not found" text without it). Default: true.
  bool criu = true;
  // Default: the profile's.
  LatencyParams latency = profile->latency;
  // Model time / wall time: 10 runs a modelled 10 s checkpoint in 1 s. Default: 1.
  double time_scale = 1;
  // Bound used when a request's timeout is 0, for a profile that honours the
  // request's timeout. Default: 120 s (the kubelet's default
  // --runtime-request-timeout, which is what it puts in the request).
  int64_t default_timeout_ns = 120'000'000'000;
  // Seed for the latency jitter draws. Default: 1.
  uint64_t jitter_seed = 1;
  // Default: the profile's layout.
  ArchiveFlavor flavor = profile->layout;
  PagesMode pages = PagesMode::kSparse;
};

// One CheckpointContainer call as the gRPC edge hands it over.
struct CheckpointCall {
  std::string container_id;
  std::string location;
  int64_t timeout_seconds = 0;             // the request's field; 0 = default
  std::optional<SteadyTime> rpc_deadline;  // the gRPC deadline, if the client set one
  std::function<bool()> cancelled;         // true once the client has gone
  SteadyTime received{};                   // when the call arrived
  ArchiveFaults faults;
};

// Runs checkpoints as the profile's runtime does: its checks and texts in its
// order, its handling of a second checkpoint of one container, its write
// semantics (in place after the dump, or the reference profile's atomic
// publish), its use of the request's timeout and the client's deadline; paced
// to the latency model. Different containers always run in parallel.
// Thread-safe.
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
  // One checkpoint once the container has been found running.
  struct Run;
  absl::Status CheckpointAtomic(Run& run);
  absl::Status WriteAtomic(Run& run, uint64_t* bytes);
  absl::Status CheckpointInPlace(Run& run);
  absl::Status WriteInPlace(Run& run, uint64_t* bytes);
  // Starts the clock on `run` and computes its modelled time and target.
  void Model(Run& run);
  absl::Status WriteArchive(Run& run, ByteSink* sink, const std::function<absl::Status()>& check);
  // With the container entered: models, writes with `write`, leaves, counts.
  absl::Status Held(Run& run, absl::Status (Checkpointer::*write)(Run&, uint64_t*));
  // The disk-full and crash faults, on the file operations of one archive.
  void InjectWriteFaults(const ArchiveFaults& f, FaultyFileOps* ops);
  // Counts and logs the outcome; answers `result`.
  absl::Status Finish(const Run& run, const absl::Status& result, uint64_t bytes);

  bool Enter(const std::string& id, SteadyTime deadline, const std::function<bool()>& stop);
  void Leave(const std::string& id);

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
  std::map<std::string, int> busy_;  // checkpoints under way, by container id
};

// t + ns, or SteadyTime::max() where that would overflow. REQUIRES: ns >= 0.
SteadyTime AddSaturating(SteadyTime t, int64_t ns);

}  // namespace fakecri

#endif  // FAKE_CRI_CHECKPOINTER_H_
