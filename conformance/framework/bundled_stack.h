#ifndef CONFORMANCE_FRAMEWORK_BUNDLED_STACK_H_
#define CONFORMANCE_FRAMEWORK_BUNDLED_STACK_H_

// The stack the suite runs against when given no target: our fake-cri (in this
// process, on a unix socket in a temp dir, with a fixture of the suite's own)
// and our endpoint in front of it (TLS on 127.0.0.1, a free port, token and
// client-certificate authentication, a policy that allows one user and not
// another), plus a second endpoint with the feature gate off. The fixture gives
// every test that checkpoints a container of its own, so tests run in parallel
// without waiting on each other's seconds or faults.
// Start once; the destructor shuts everything down and removes the temp dir.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "conformance/framework/requirement.h"
#include "conformance/framework/target.h"

namespace conformance {

class BundledStack {
 public:
  // `extra_fake_cri_flags` / `extra_endpoint_flags` come after the suite's own
  // flags, so they override them (the meta-tests break the stack this way).
  static absl::StatusOr<std::unique_ptr<BundledStack>> Start(
      const Requirements& requirements, const std::vector<std::string>& extra_fake_cri_flags,
      const std::vector<std::string>& extra_endpoint_flags);
  ~BundledStack();

  // Fills in the target: endpoint, runtime and control.
  void Describe(Target* target) const;

 private:
  struct Parts;
  explicit BundledStack(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_BUNDLED_STACK_H_
