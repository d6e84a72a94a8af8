#ifndef ENDPOINT_CHECKPOINT_HANDLER_H_
#define ENDPOINT_CHECKPOINT_HANDLER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/archive_namer.h"
#include "endpoint/http_message.h"
#include "endpoint/retention.h"
#include "endpoint/runtime_client.h"

namespace endpoint {

// A checkpoint request that has been authenticated, authorized and routed.
struct CheckpointRequest {
  std::string ns, pod, container;
  std::vector<std::string> timeout_values;  // every `timeout` query value, in order
  std::function<bool()> cancelled;          // the client went away
};

struct CheckpointHandlerOptions {
  // --max-checkpoints-per-container; 0 = keep everything (as the kubelet,
  // which never deletes an archive). Beyond upstream. Default: 0.
  size_t max_checkpoints_per_container = 0;
  // Where retention records the archives it may delete. REQUIRED when
  // max_checkpoints_per_container > 0; outlives the handler.
  RetentionIndex* retention = nullptr;
  // --tighten-checkpoints-dir: before each checkpoint, the checkpoints
  // directory must still be a 0700 directory, not a symlink (500 otherwise).
  // Beyond upstream. Default: false.
  bool recheck_checkpoints_dir = false;
};

// Steps 5-12 of a checkpoint request over narrow seams, as the kubelet's
// (*Server).checkpoint and Kubelet.CheckpointContainer run them: pod (404),
// container (404), timeout (404 when unparsable), running (500), archive name,
// (with --tighten-checkpoints-dir, the directory re-checked: 500),
// the CRI call through the runtime client (which rejects a negative timeout
// itself, and applies the CRI timeout rule; 500 with its text or grpc-go's),
// success (200 {"items":["<location>"]} formatted as the kubelet's Sprintf does,
// with no JSON escaping). A namespace or pod name no Kubernetes object can have
// (object_names.h: NUL, '/', upper case, over 253 bytes, ...) is the kubelet's
// 404 "pod does not exist" with no runtime call, and such a container name its
// 404 "container <name> does not exist" after the pod lookup: the kubelet's
// pod manager holds validated pods only. Thread-safe.
class CheckpointHandler {
 public:
  CheckpointHandler(RuntimeClient* runtime, ArchiveNamer* namer, CheckpointHandlerOptions options)
      : runtime_(runtime), namer_(namer), options_(options) {}

  HttpAnswer Handle(const CheckpointRequest& request);

 private:
  RuntimeClient* runtime_;
  ArchiveNamer* namer_;
  CheckpointHandlerOptions options_;
};

// The 500 body for a failed checkpoint:
// "checkpointing of <ns>/<pod>/<container> failed (<error>)".
std::string CheckpointFailedText(const CheckpointRequest& r, const std::string& error);

// The text a failed CRI call puts in that body: grpc-go's rendering of a gRPC
// status, "rpc error: code = <Code> desc = <message>", or the bare text of an
// error the kubelet made itself (KubeletError). Every CRI error maps to HTTP
// 500 (a table test pins it down code by code).
std::string RuntimeErrorText(const absl::Status& status);
int HttpStatusForRuntimeError(const absl::Status& status);

// The success body, as the kubelet's fmt.Sprintf("{\"items\":[\"%s\"]}",
// location): the location is not escaped, so a '"' or '\\' in it makes the
// body invalid JSON, as on a kubelet.
std::string SuccessBody(const std::string& location);

// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, no spaces.
bool ParseGoInt64(const std::string& s, int64_t* out);

}  // namespace endpoint

#endif  // ENDPOINT_CHECKPOINT_HANDLER_H_
