#include "endpoint/checkpoint_handler.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/grpc_codes.h"
#include "endpoint/checkpoints_dir.h"
#include "endpoint/object_names.h"
#include "endpoint/runtime_client.h"

namespace endpoint {

std::string CheckpointFailedText(const CheckpointRequest& r, const std::string& error) {
  return absl::StrCat("checkpointing of ", r.ns, "/", r.pod, "/", r.container, " failed (", error,
                      ")");
}

std::string RuntimeErrorText(const absl::Status& status) {
  if (IsKubeletError(status)) return std::string(status.message());
  return kit::GrpcErrorText(static_cast<int>(status.code()), std::string(status.message()));
}

int HttpStatusForRuntimeError(const absl::Status& status) {
  // The kubelet answers every error of the runtime with 500, whatever its code.
  return status.ok() ? 200 : 500;
}

std::string SuccessBody(const std::string& location) {
  return absl::StrCat("{\"items\":[\"", location, "\"]}");
}

bool ParseGoInt64(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

HttpAnswer CheckpointHandler::Handle(const CheckpointRequest& r) {
  auto text = [](int status, std::string body) { return TextAnswer(status, std::move(body)); };

  // 5. The pod. A name no pod can have is not in the kubelet's pod manager.
  if (!IsDns1123Label(r.ns) || !IsDns1123Subdomain(r.pod)) return text(404, "pod does not exist");
  // 6. The container, in any state (the kubelet looks in the pod's spec).
  // First the one-call shortcut through the kubelet's labels (runtime_client.h);
  // without it, the pod, then the container in it.
  std::optional<ContainerRef> container;
  if (IsDns1123Label(r.container)) {
    auto labeled = runtime_->FindLabeledContainer(r.ns, r.pod, r.container);
    if (!labeled.ok()) {
      return text(500, CheckpointFailedText(r, RuntimeErrorText(labeled.status())));
    }
    container = *std::move(labeled);
  }
  if (!container) {
    auto pod = runtime_->FindPod(r.ns, r.pod);
    if (!pod.ok()) return text(500, CheckpointFailedText(r, RuntimeErrorText(pod.status())));
    if (!pod->has_value()) return text(404, "pod does not exist");
    if (!IsDns1123Label(r.container)) {
      return text(404, "container " + r.container + " does not exist");
    }
    auto found = runtime_->FindContainer(**pod, r.container);
    if (!found.ok()) return text(500, CheckpointFailedText(r, RuntimeErrorText(found.status())));
    if (!found->has_value()) return text(404, "container " + r.container + " does not exist");
    container = *std::move(found);
  }

  // 7. timeout: the last value wins.
  int64_t timeout = 0;
  if (!r.timeout_values.empty() && !ParseGoInt64(r.timeout_values.back(), &timeout)) {
    return text(404, "cannot parse value of timeout parameter");
  }

  // 8. Running (Kubelet.CheckpointContainer: findContainer among the running).
  if (!container->running) {
    return text(500, CheckpointFailedText(r, "container " + r.container + " not found"));
  }

  // Beyond upstream (--tighten-checkpoints-dir): the directory is still what
  // start-up left.
  if (options_.recheck_checkpoints_dir) {
    if (absl::Status s = CheckCheckpointsDir(namer_->dir()); !s.ok()) {
      return text(500, CheckpointFailedText(r, std::string(s.message())));
    }
  }

  // 9. The archive's name: the kubelet's for this second (unique only with
  // --unique-archive-names). Held until the call ends, for retention.
  auto reserved = namer_->Reserve(r.ns, r.pod, r.container);
  if (!reserved.ok()) {
    return text(500, CheckpointFailedText(r, std::string(reserved.status().message())));
  }
  const std::string& location = *reserved;
  struct Release {
    ArchiveNamer* namer;
    const std::string& location;
    ~Release() { namer->Release(location); }
  } release{namer_, location};

  // 10-11. The CRI call; the client rejects a negative timeout itself (and
  // counts it), as the kubelet's CRI client does.
  absl::Status s = runtime_->Checkpoint(container->id, location, timeout, r.cancelled);
  if (!s.ok())
    return text(HttpStatusForRuntimeError(s), CheckpointFailedText(r, RuntimeErrorText(s)));

  // 12. Success (writeJSONResponse).
  HttpAnswer ok;
  ok.status = 200;
  ok.content_type = "application/json";
  ok.body = SuccessBody(location);
  struct stat st;
  if (::lstat(location.c_str(), &st) == 0) ok.archive_bytes = static_cast<uint64_t>(st.st_size);
  if (options_.max_checkpoints_per_container > 0 && options_.retention != nullptr) {
    options_.retention->Record(location, r.ns, r.pod, r.container);
    options_.retention->Enforce(r.ns, r.pod, r.container, options_.max_checkpoints_per_container,
                                *namer_);
  }
  return ok;
}

}  // namespace endpoint
