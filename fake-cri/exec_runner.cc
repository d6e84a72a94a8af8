#include "fake-cri/exec_runner.h"

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {

std::string GoSecondsString(int64_t s) {
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m", s % 60, "s");
  return absl::StrCat(s / 3600, "h", (s % 3600) / 60, "m", s % 60, "s");
}

absl::StatusOr<ExecResult> ExecRunner::Run(const std::string& id_or_prefix,
                                           const std::vector<std::string>& cmd, int64_t timeout_s,
                                           const std::function<bool()>& cancelled) const {
  auto c = store_->FindRunningContainer(id_or_prefix);
  if (!c.ok()) return c.status();
  // runc's answers for an exec it cannot start, with the exec's own fresh id.
  const std::string start_failed = absl::StrCat("failed to start exec \"", kit::NewId(),
                                                "\": OCI runtime exec failed: exec failed: ");
  if (cmd.empty())
    return absl::UnknownError(absl::StrCat(start_failed, "args must not be empty: unknown"));
  const ExecAnswer& answer = c->process.AnswerFor(cmd);
  if (answer.not_found) {
    return absl::UnknownError(absl::StrCat(start_failed,
                                           "unable to start container process: exec: \"", cmd[0],
                                           "\": executable file not found in $PATH: unknown"));
  }
  const SteadyTime start = clock_->Now();
  const SteadyTime done = store_->After(start, answer.delay_ns);
  const SteadyTime limit =
      timeout_s > 0 ? store_->After(start, std::min<int64_t>(timeout_s, INT64_MAX / 1'000'000'000) *
                                               1'000'000'000)
                    : SteadyTime::max();
  clock_->SleepUntil(std::min(done, limit), cancelled);
  if (clock_->Now() < std::min(done, limit)) {
    return absl::DeadlineExceededError("context deadline exceeded");  // the caller went away
  }
  if (done > limit) {
    return absl::DeadlineExceededError(absl::StrCat("timeout ", GoSecondsString(timeout_s),
                                                    " exceeded: context deadline exceeded"));
  }
  return ExecResult{answer.stdout_text, answer.stderr_text, answer.exit_code};
}

}  // namespace fakecri
