#ifndef ENDPOINT_AUTH_ALWAYS_ALLOW_H_
#define ENDPOINT_AUTH_ALWAYS_ALLOW_H_

// The kubelet's default authorization mode, AlwaysAllow: every request that got
// past authentication is allowed (k8s.io/apiserver/pkg/authorization/
// authorizerfactory alwaysAllowAuthorizer: DecisionAllow, no reason).
// Stateless; thread-safe.

#include "endpoint/auth/auth.h"

namespace endpoint {

class AlwaysAllowAuthorizer final : public Authorizer {
 public:
  AuthzDecision Authorize(const Attributes& /*attributes*/) override {
    return AuthzDecision{AuthzDecision::Kind::kAllow, ""};
  }
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_ALWAYS_ALLOW_H_
