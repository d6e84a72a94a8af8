#ifndef ENDPOINT_AUTH_WELL_KNOWN_USERS_H_
#define ENDPOINT_AUTH_WELL_KNOWN_USERS_H_

// The user and group names Kubernetes reserves for authentication outcomes
// (k8s.io/apiserver/pkg/authentication/user: Anonymous, AllUnauthenticated,
// AllAuthenticated). Constants only; thread-safe.

#include "endpoint/auth/auth.h"

namespace endpoint {

inline constexpr char kAnonymousUser[] = "system:anonymous";
inline constexpr char kUnauthenticatedGroup[] = "system:unauthenticated";
inline constexpr char kAuthenticatedGroup[] = "system:authenticated";

// The identity of a request that carried no credentials, when anonymous
// authentication is on (the kubelet's default; off with --anonymous-auth=false).
inline UserInfo AnonymousUser() { return UserInfo{kAnonymousUser, "", {kUnauthenticatedGroup}}; }

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_WELL_KNOWN_USERS_H_
