#ifndef CONFORMANCE_FRAMEWORK_FAKE_CRI_CONTROL_H_
#define CONFORMANCE_FRAMEWORK_FAKE_CRI_CONTROL_H_

// The suite's hand on a fake-cri: find a container's id through CRI and set
// fault rules on it through fake-cri's Control service (same socket). Used only
// where the target is our fake (bundled, or --fake-cri-control). Thread-safe.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "proto/cri_runtime_v1.grpc.pb.h"
#include "proto/fakecri_control.grpc.pb.h"

namespace conformance {

struct ContainerRef;

class FakeCriControl {
 public:
  explicit FakeCriControl(const std::string& endpoint);  // unix:///path.sock

  // The id of the running (else newest) container `ref`, as a kubelet-made
  // pod's labels name it.
  absl::StatusOr<std::string> ContainerId(const ContainerRef& ref);

  // Adds a rule (fake-cri's JSON form) on one container; answers the rule id.
  absl::StatusOr<std::string> AddFault(const std::string& rule_json);
  absl::Status ClearFault(const std::string& id);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<runtime::v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<fakecri::control::v1::Control::Stub> control_;
};

// A fault rule on one container for the life of this object.
class ScopedFault {
 public:
  ScopedFault(FakeCriControl* control, std::string id) : control_(control), id_(std::move(id)) {}
  ~ScopedFault() {
    if (control_ != nullptr) (void)control_->ClearFault(id_);
  }
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;

 private:
  FakeCriControl* control_;
  std::string id_;
};

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_FAKE_CRI_CONTROL_H_
