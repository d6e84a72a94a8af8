#ifndef FAKE_CRI_EXEC_RUNNER_H_
#define FAKE_CRI_EXEC_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fake-cri/clock.h"
#include "fake-cri/store.h"

namespace fakecri {

struct ExecResult {
  std::string stdout_text, stderr_text;
  int32_t exit_code = 0;
};

// Runs a command in a simulated container, for ExecSync and the streaming
// server's exec: the answer comes from the container's ProcessSpec (its
// `exec` table, else `exec_default`), after the answer's delay (÷ the store's
// time scale). Errors are containerd's execInContainer texts
// (pkg/cri/server/container_execsync.go@v1.6.20), which the callers wrap.
// Thread-safe.
class ExecRunner {
 public:
  ExecRunner(Store* store, Clock* clock) : store_(store), clock_(clock) {}

  // `timeout_s` > 0 bounds the command: after it, DEADLINE_EXCEEDED `timeout
  // <d> exceeded: context deadline exceeded`. `cancelled` (the caller went
  // away) ends the wait with DEADLINE_EXCEEDED.
  absl::StatusOr<ExecResult> Run(const std::string& id_or_prefix,
                                 const std::vector<std::string>& cmd, int64_t timeout_s,
                                 const std::function<bool()>& cancelled) const;

 private:
  Store* store_;
  Clock* clock_;
};

// Go's time.Duration String() of whole seconds: "1s", "1m30s", "2h0m0s".
std::string GoSecondsString(int64_t seconds);

}  // namespace fakecri

#endif  // FAKE_CRI_EXEC_RUNNER_H_
