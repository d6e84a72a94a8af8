#ifndef ENDPOINT_AUTH_UNION_H_
#define ENDPOINT_AUTH_UNION_H_

// Step 1 of a request as a whole: asks each authenticator in turn and falls back
// to the anonymous user, as the kubelet's delegating authenticator does
// (k8s.io/apiserver/pkg/authentication/authenticatorfactory/delegating.go:
// union.New(x509, bearer token) wrapped in AuthenticatedGroupAdder, then
// union.NewFailOnError(that, anonymous) when anonymous auth is on).
//
//   - The first kAuthenticated answer wins, even after an earlier kRejected.
//     Its user gains the group system:authenticated unless it is
//     system:anonymous or already has system:authenticated or
//     system:unauthenticated (group.AuthenticatedGroupAdder).
//   - Else, if any authenticator answered kRejected: kRejected (401), and the
//     anonymous fallback is NOT taken: bad credentials never become anonymous.
//   - Else (every answer kNoOpinion, or no authenticators): the anonymous user
//     (system:anonymous, group system:unauthenticated) when `anonymous_enabled`,
//     otherwise kRejected with reason "no credentials".
// Never answers kNoOpinion.
//
// Owns its authenticators. Thread-safe if they are (the interface requires it).

#include <memory>
#include <vector>

#include "endpoint/auth/auth.h"

namespace endpoint {

class UnionAuthenticator final : public Authenticator {
 public:
  UnionAuthenticator(std::vector<std::unique_ptr<Authenticator>> authenticators,
                     bool anonymous_enabled);

  AuthnResult Authenticate(const AuthRequest& request) override;

 private:
  const std::vector<std::unique_ptr<Authenticator>> authenticators_;
  const bool anonymous_enabled_;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_UNION_H_
