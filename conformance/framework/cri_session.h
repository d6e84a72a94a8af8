#ifndef CONFORMANCE_FRAMEWORK_CRI_SESSION_H_
#define CONFORMANCE_FRAMEWORK_CRI_SESSION_H_

// The runtime area's hand on a CRI runtime (--runtime-endpoint, or the bundled
// fake-cri): the few RuntimeService/ImageService calls the suite makes, each
// with a deadline bounded by the test's time left, and the suite's own pod.
//
// CriSession is the gRPC edge: it answers absl::Status values whose code and
// message are the runtime's, and GrpcText() renders them as grpc-go does
// ("rpc error: code = Unimplemented desc = ..."), the form
// IsCannotCheckpointError() recognises. One per test; not thread-safe.
//
// SuitePod is an RAII guard: a host-network pod sandbox and one container
// running `sleep 3600`, made as a kubelet makes them, removed again by its
// destructor -- also when the test ends with Fail or Skip (they throw).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "conformance/framework/context.h"
#include "conformance/framework/target.h"
#include "grpcpp/channel.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace conformance {

// "rpc error: code = <Code> desc = <message>" for a runtime's error.
std::string GrpcText(const absl::Status& status);

class CriSession {
 public:
  // Connects lazily: the first call reports an unreachable socket.
  CriSession(TestContext& t, const RuntimeTarget& target);

  absl::StatusOr<runtime::v1::VersionResponse> Version();
  absl::StatusOr<std::string> RunPodSandbox(const runtime::v1::PodSandboxConfig& config);
  absl::Status StopPodSandbox(const std::string& pod_id);
  absl::Status RemovePodSandbox(const std::string& pod_id);
  // `image` absent: answers an ImageStatusResponse without `image`, not an error.
  absl::StatusOr<runtime::v1::ImageStatusResponse> ImageStatus(const std::string& image);
  absl::StatusOr<std::string> PullImage(const std::string& image,
                                        const runtime::v1::PodSandboxConfig& sandbox);
  absl::StatusOr<std::string> CreateContainer(const std::string& pod_id,
                                              const runtime::v1::ContainerConfig& config,
                                              const runtime::v1::PodSandboxConfig& sandbox);
  absl::Status StartContainer(const std::string& container_id);
  // timeout 0: kill at once (the suite's `sleep` ignores SIGTERM as PID 1).
  absl::Status StopContainer(const std::string& container_id, int64_t timeout_seconds);
  absl::Status RemoveContainer(const std::string& container_id);
  absl::StatusOr<runtime::v1::ContainerStatus> ContainerStatus(const std::string& container_id);
  // CheckpointContainer{container_id, location, timeout}; timeout is the
  // test's time left in whole seconds (at least 1), as the kubelet always sends
  // a positive one.
  absl::Status CheckpointContainer(const std::string& container_id, const std::string& location);

  // Calls made after the test's deadline (clean-up) get at least this long.
  static constexpr std::chrono::seconds kCleanupBudget{15};
  // While on, calls use max(time left, kCleanupBudget): a guard that cleans up
  // after a test that ran out of time must still be able to.
  void SetCleanup(bool on) { cleanup_ = on; }

 private:
  std::chrono::system_clock::time_point Deadline() const;
  void Prepare(grpc::ClientContext* ctx) const;

  TestContext& t_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<runtime::v1::ImageService::Stub> images_;
  std::string runtime_handler_;
  bool cleanup_ = false;
};

// The suite's own pod on the runtime: namespace kNamespace, a unique name and
// uid, the io.kubernetes.pod.* labels a kubelet sets, host network (no CNI
// needed), logs in a temp dir; one container kContainerName running
// `sleep 3600` from RuntimeTarget::image, started.
class SuitePod {
 public:
  static constexpr char kNamespace[] = "checkpoint-conformance";
  static constexpr char kContainerName[] = "checkpoint-target";

  // Who reports a pod that cannot be made. The test that owns the setup FAILS
  // (with what to do about it); every other test SKIPS naming that test, so a
  // runtime that cannot run the suite's pod shows one failure, not one per test.
  struct SetupFailure {
    bool fail = false;
    std::string owner_id;  // used when !fail
  };

  // Makes and starts the pod; ends the test (Fail or Skip, per `on_failure`)
  // when it cannot, after removing what it made. `label` goes into the pod name.
  // Image: ImageStatus, then PullImage when absent; a failed pull ends the test
  // with a message asking the user to make the image present.
  static std::unique_ptr<SuitePod> Start(CriSession* cri, TestContext& t, const std::string& label,
                                         const SetupFailure& on_failure);

  // Stops and removes the container and the sandbox, and deletes the log dir.
  // Errors become notes of the test (a destructor cannot fail it).
  ~SuitePod();
  SuitePod(const SuitePod&) = delete;
  SuitePod& operator=(const SuitePod&) = delete;

  const std::string& pod_id() const { return pod_id_; }
  const std::string& container_id() const { return container_id_; }
  // namespace/pod/container, as the archive's spec.dump must name it.
  const ContainerRef& ref() const { return ref_; }

 private:
  SuitePod(CriSession* cri, TestContext& t) : cri_(cri), t_(t) {}
  [[noreturn]] void EndSetup(const SetupFailure& on_failure, const std::string& why);

  CriSession* cri_;
  TestContext& t_;
  ContainerRef ref_;
  std::string log_dir_;
  std::string pod_id_;
  std::string container_id_;
};

// A fresh directory under --checkpoint-dir (default /tmp) for one test's
// checkpoint location, removed with everything in it by the destructor.
class TempDir {
 public:
  // Fails the test when no directory can be made.
  TempDir(TestContext& t, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_CRI_SESSION_H_
