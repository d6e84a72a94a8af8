#include "fake-cri/process_spec.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fake-cri/json_fields.h"

namespace fakecri {
namespace {

using nlohmann::json;

absl::Status GetExitCode(JsonFields& f, const char* key, int32_t* out) {
  int64_t v = *out;
  RETURN_IF_ERROR(f.GetInt(key, &v));
  if (v < 0 || v > 255) return f.Error(key, "must be an exit code, 0 to 255");
  *out = static_cast<int32_t>(v);
  return absl::OkStatus();
}

absl::Status GetDelay(JsonFields& f, const char* key, int64_t* out) {
  RETURN_IF_ERROR(f.GetDuration(key, out));
  if (*out < 0) return f.Error(key, "must not be negative");
  return absl::OkStatus();
}

// Output is a string as the process writes it ("a\nb\n"), or an array of
// lines, each ended with a newline.
absl::Status GetOutput(JsonFields& f, const char* key, std::string* out) {
  const json* v = f.Take(key);
  if (!v) return absl::OkStatus();
  if (v->is_string()) {
    *out = v->get<std::string>();
    return absl::OkStatus();
  }
  if (!v->is_array()) {
    return f.Error(key,
                   absl::StrCat("expected a string or an array of lines, got ", v->type_name()));
  }
  out->clear();
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(f.PathOf(key), "[", i, "]: expected a string, got ", (*v)[i].type_name()));
    }
    absl::StrAppend(out, (*v)[i].get<std::string>(), "\n");
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecAnswer> ParseExecAnswer(const json& j, const std::string& path) {
  RETURN_IF_ERROR(JsonFields::Open(j, path));
  JsonFields f(j, path);
  ExecAnswer a;
  RETURN_IF_ERROR(GetOutput(f, "stdout", &a.stdout_text));
  RETURN_IF_ERROR(GetOutput(f, "stderr", &a.stderr_text));
  RETURN_IF_ERROR(GetExitCode(f, "exit_code", &a.exit_code));
  RETURN_IF_ERROR(GetDelay(f, "delay", &a.delay_ns));
  RETURN_IF_ERROR(f.GetBool("not_found", &a.not_found));
  RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  return a;
}

}  // namespace

std::string CommandKey(const std::vector<std::string>& cmd) { return absl::StrJoin(cmd, " "); }

const ExecAnswer& ProcessSpec::AnswerFor(const std::vector<std::string>& cmd) const {
  auto it = exec.find(CommandKey(cmd));
  return it == exec.end() ? exec_default : it->second;
}

absl::StatusOr<ProcessSpec> ParseProcessSpec(const json& j, const std::string& path) {
  RETURN_IF_ERROR(JsonFields::Open(j, path));
  JsonFields f(j, path);
  ProcessSpec p;
  if (f.Take("exit_after")) {
    int64_t after = 0;
    RETURN_IF_ERROR(GetDelay(f, "exit_after", &after));
    p.exit_after_ns = after;
  }
  RETURN_IF_ERROR(GetExitCode(f, "exit_code", &p.exit_code));
  RETURN_IF_ERROR(f.GetBool("oom_killed", &p.oom_killed));
  if (p.oom_killed && !p.exit_after_ns) {
    return f.Error("oom_killed", "needs exit_after (when the OOM killer strikes)");
  }
  std::string on_sigterm = "die";
  RETURN_IF_ERROR(f.GetString("on_sigterm", &on_sigterm));
  if (on_sigterm == "die") {
    p.on_sigterm = OnSigterm::kDie;
  } else if (on_sigterm == "exit") {
    p.on_sigterm = OnSigterm::kExit;
  } else if (on_sigterm == "ignore") {
    p.on_sigterm = OnSigterm::kIgnore;
  } else {
    return f.Error("on_sigterm",
                   absl::StrCat("\"", on_sigterm, "\" is not one of die, exit, ignore"));
  }
  RETURN_IF_ERROR(GetDelay(f, "sigterm_delay", &p.sigterm_delay_ns));
  RETURN_IF_ERROR(GetExitCode(f, "sigterm_exit_code", &p.sigterm_exit_code));
  if (p.on_sigterm != OnSigterm::kExit) {
    for (const char* key : {"sigterm_delay", "sigterm_exit_code"}) {
      if (j.contains(key)) return f.Error(key, "only with \"on_sigterm\": \"exit\"");
    }
  }
  RETURN_IF_ERROR(GetOutput(f, "stdout", &p.stdout_text));
  RETURN_IF_ERROR(GetOutput(f, "stderr", &p.stderr_text));
  if (const json* exec = f.Take("exec")) {
    if (!exec->is_object()) {
      return f.Error("exec",
                     absl::StrCat("expected an object of commands, got ", exec->type_name()));
    }
    for (const auto& [cmd, answer] : exec->items()) {
      auto a = ParseExecAnswer(answer, absl::StrCat(f.PathOf("exec"), "[\"", cmd, "\"]"));
      if (!a.ok()) return a.status();
      p.exec[cmd] = *std::move(a);
    }
  }
  if (const json* d = f.Take("exec_default")) {
    auto a = ParseExecAnswer(*d, f.PathOf("exec_default"));
    if (!a.ok()) return a.status();
    p.exec_default = *std::move(a);
  }
  RETURN_IF_ERROR(f.CheckNoUnknownKeys());
  return p;
}

}  // namespace fakecri
