#ifndef FAKE_CRI_STREAMING_REMOTE_STATUS_H_
#define FAKE_CRI_STREAMING_REMOTE_STATUS_H_

// The status a remote command (exec, attach) ends with on the error channel,
// as k8s.io/apimachinery's metav1.Status marshals it with Go's encoding/json
// (the v4 channel protocols), or its message alone (channel.k8s.io v1-v3,
// nothing on success): pkg/cri/streaming/remotecommand/{exec,attach,httpstream}.go@v1.6.20.

#include <string>
#include <vector>

namespace fakecri {

struct RemoteStatus {
  bool success = true;
  std::string message, reason;
  std::string cause_reason, cause_message;  // details.causes[0]
  int code = 0;

  // Success.
  static RemoteStatus Ok() { return {}; }
  // "command terminated with non-zero exit code: error executing command [<cmd>], exit code <n>"
  static RemoteStatus NonZeroExit(const std::vector<std::string>& cmd, int exit_code);
  // apierrors.NewInternalError(err): 500, "Internal error occurred: <err>".
  static RemoteStatus Internal(const std::string& err);

  // {"metadata":{},"status":"Success"} / {"metadata":{},"status":"Failure",...}
  std::string V4Json() const;
  // What v1-v3 write: the message, or nothing on success.
  std::string V1Text() const { return success ? "" : message; }
};

// A JSON string as Go's encoding/json writes it: <, > and & as \u003c, \u003e,
// \u0026, control characters as \n, \r, \t or \u00XX, U+2028/U+2029 escaped.
std::string GoJsonString(const std::string& s);

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_REMOTE_STATUS_H_
