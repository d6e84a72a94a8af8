#ifndef ENDPOINT_AUTH_BEARER_TOKEN_H_
#define ENDPOINT_AUTH_BEARER_TOKEN_H_

// Finds the bearer token in a request's headers, by the rules of the API
// server's bearer token authenticator (k8s.io/apiserver/pkg/authentication/
// request/bearertoken/bearertoken.go):
//   - the `authorization` header, surrounding whitespace trimmed;
//   - split on single spaces; the first part must be "bearer" in any case;
//   - the token is the second part; later parts are ignored;
//   - no header, another scheme, or an empty token (e.g. two spaces after
//     "Bearer") means "no bearer token" (the authenticator has no opinion).
// Pure function; thread-safe. Go's TrimSpace also trims non-ASCII Unicode
// spaces; only ASCII whitespace is trimmed here.

#include <map>
#include <optional>
#include <string>

namespace endpoint {

// REQUIRES: header names are lower case (as AuthRequest::headers are).
std::optional<std::string> BearerToken(const std::map<std::string, std::string>& headers);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_BEARER_TOKEN_H_
