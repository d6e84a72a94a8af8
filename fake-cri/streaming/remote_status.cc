#include "fake-cri/streaming/remote_status.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fakecri {

std::string GoJsonString(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

RemoteStatus RemoteStatus::NonZeroExit(const std::vector<std::string>& cmd, int exit_code) {
  RemoteStatus s;
  s.success = false;
  // exec.CodeExitError's text inside remotecommand's message; %v of a []string.
  s.message = absl::StrCat("command terminated with non-zero exit code: error executing command [",
                           absl::StrJoin(cmd, " "), "], exit code ", exit_code);
  s.reason = "NonZeroExitCode";
  s.cause_reason = "ExitCode";
  s.cause_message = absl::StrCat(exit_code);
  return s;
}

RemoteStatus RemoteStatus::Internal(const std::string& err) {
  RemoteStatus s;
  s.success = false;
  s.message = "Internal error occurred: " + err;
  s.reason = "InternalError";
  s.cause_message = err;
  s.code = 500;
  return s;
}

std::string RemoteStatus::V4Json() const {
  if (success) return R"({"metadata":{},"status":"Success"})";
  std::string out = R"({"metadata":{},"status":"Failure")";
  if (!message.empty()) absl::StrAppend(&out, R"(,"message":)", GoJsonString(message));
  if (!reason.empty()) absl::StrAppend(&out, R"(,"reason":)", GoJsonString(reason));
  if (!cause_reason.empty() || !cause_message.empty()) {
    absl::StrAppend(&out, R"(,"details":{"causes":[{)");
    if (!cause_reason.empty()) absl::StrAppend(&out, R"("reason":)", GoJsonString(cause_reason));
    if (!cause_message.empty()) {
      absl::StrAppend(&out, cause_reason.empty() ? "" : ",", R"("message":)",
                      GoJsonString(cause_message));
    }
    absl::StrAppend(&out, "}]}");
  }
  if (code != 0) absl::StrAppend(&out, R"(,"code":)", code);
  return out + "}";
}

}  // namespace fakecri
