#include "endpoint/auth/union.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_join.h"
#include "endpoint/auth/well_known_users.h"

namespace endpoint {
namespace {

// group.AuthenticatedGroupAdder's rule.
void AddAuthenticatedGroup(UserInfo& user) {
  if (user.name == kAnonymousUser) return;
  for (const std::string& group : user.groups) {
    if (group == kAuthenticatedGroup || group == kUnauthenticatedGroup) return;
  }
  user.groups.push_back(kAuthenticatedGroup);
}

}  // namespace

UnionAuthenticator::UnionAuthenticator(std::vector<std::unique_ptr<Authenticator>> authenticators,
                                       bool anonymous_enabled)
    : authenticators_(std::move(authenticators)), anonymous_enabled_(anonymous_enabled) {}

AuthnResult UnionAuthenticator::Authenticate(const AuthRequest& request) {
  std::vector<std::string> rejections;
  for (const std::unique_ptr<Authenticator>& authenticator : authenticators_) {
    AuthnResult result = authenticator->Authenticate(request);
    switch (result.kind) {
      case AuthnResult::Kind::kAuthenticated:
        AddAuthenticatedGroup(result.user);
        return result;
      case AuthnResult::Kind::kRejected:
        rejections.push_back(std::move(result.reason));
        break;
      case AuthnResult::Kind::kNoOpinion:
        break;
    }
  }
  AuthnResult result;
  if (!rejections.empty()) {
    result.kind = AuthnResult::Kind::kRejected;
    result.reason = absl::StrJoin(rejections, "; ");
    return result;
  }
  if (anonymous_enabled_) {
    result.kind = AuthnResult::Kind::kAuthenticated;
    result.user = AnonymousUser();
    return result;
  }
  result.kind = AuthnResult::Kind::kRejected;
  result.reason = "no credentials";
  return result;
}

}  // namespace endpoint
