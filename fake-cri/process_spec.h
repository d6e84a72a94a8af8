#ifndef FAKE_CRI_PROCESS_SPEC_H_
#define FAKE_CRI_PROCESS_SPEC_H_

// How a simulated container's command behaves: when it exits by itself, what
// it does on SIGTERM, what it writes to its log, and what `ExecSync`/`Exec`
// in it answer. Given as a fixture container's "process" object or as the
// `fake-cri.io/process` annotation (one parser for both; fixtures/README.md).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fakecri {

// The answer to one command run in the container (ExecSync, Exec).
struct ExecAnswer {
  std::string stdout_text, stderr_text;
  int32_t exit_code = 0;
  int64_t delay_ns = 0;  // how long the command runs (scaled by --time-scale)
  // runc finds no such executable: containerd's "executable file not found"
  // error instead of an exit code.
  bool not_found = false;
};

// What the process does when the runtime sends it SIGTERM (StopContainer with
// a timeout above 0).
enum class OnSigterm {
  kDie,     // the default disposition: dies at once, exit code 143 (128 + 15)
  kExit,    // handles it: exits with `sigterm_exit_code` after `sigterm_delay`
  kIgnore,  // ignores it: StopContainer waits its whole timeout, then SIGKILL (137)
};

struct ProcessSpec {
  // Exits by itself this long after it started (scaled by --time-scale), with
  // `exit_code`; absent = runs until stopped.
  std::optional<int64_t> exit_after_ns;
  int32_t exit_code = 0;
  // That exit is the kernel's OOM killer: exit code 137, reason OOMKilled.
  bool oom_killed = false;
  OnSigterm on_sigterm = OnSigterm::kDie;
  int64_t sigterm_delay_ns = 0;
  int32_t sigterm_exit_code = 0;
  // Written to the container's log file when it starts.
  std::string stdout_text, stderr_text;
  // Commands the container knows, by their words joined with single spaces
  // ("sh -c echo hi"), and the answer to any other command.
  std::map<std::string, ExecAnswer> exec;
  ExecAnswer exec_default;

  // The answer to `cmd` (exec_default when it is not listed).
  const ExecAnswer& AnswerFor(const std::vector<std::string>& cmd) const;
};

// Parses a "process" object; errors read `<path>.<key>: <problem>`, unknown
// keys are errors. Durations are Go-style strings ("500ms"), exit codes 0-255.
absl::StatusOr<ProcessSpec> ParseProcessSpec(const nlohmann::json& j, const std::string& path);

// The command as ExecAnswer keys name it: words joined with single spaces.
std::string CommandKey(const std::vector<std::string>& cmd);

}  // namespace fakecri

#endif  // FAKE_CRI_PROCESS_SPEC_H_
