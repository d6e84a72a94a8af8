#ifndef ENDPOINT_AUTH_AUTH_H_
#define ENDPOINT_AUTH_AUTH_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace endpoint {

// Who made a request, as the kubelet's authenticators say it.
struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

// What an authenticator sees of one request. `peer_chain` is the client's
// certificate chain as PEM (leaf first), empty when none was presented; it has
// NOT been verified by TLS (the server requests certificates without checking
// them, as the kubelet does, so that an untrusted one gets 401, not a failed
// handshake).
struct AuthRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  std::vector<std::string> peer_chain;
};

// The three answers an authenticator gives: this user; not mine (no or unknown
// credentials of my kind: the next authenticator is asked); or an error (bad
// credentials of my kind, or I could not decide): 401.
struct AuthnResult {
  enum class Kind { kAuthenticated, kNoOpinion, kRejected };
  Kind kind = Kind::kNoOpinion;
  UserInfo user;
  std::string reason;  // for the log, never the response; never contains a secret
};

// Step 1 of a request (401). Implementations are thread-safe.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual AuthnResult Authenticate(const AuthRequest& request) = 0;
};

// Step 2: the authorization attributes, a pure function of the request.
struct Attributes {
  UserInfo user;
  std::string verb;         // create, get, update, patch, delete, or ""
  std::string namespace_;   // always "" for node resources
  std::string resource;     // "nodes"
  std::string name;         // this node's name
  std::string subresource;  // checkpoint, metrics, stats, log, proxy, ...
  std::string api_group;    // ""
  std::string api_version;  // "v1"
  bool resource_request = true;
  std::string path;
};

// Step 3 (403, or 500 when the authorizer fails). Implementations are thread-safe.
struct AuthzDecision {
  enum class Kind { kAllow, kDeny, kError };
  Kind kind = Kind::kDeny;
  std::string reason;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual AuthzDecision Authorize(const Attributes& attributes) = 0;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_AUTH_H_
