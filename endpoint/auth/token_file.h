#ifndef ENDPOINT_AUTH_TOKEN_FILE_H_
#define ENDPOINT_AUTH_TOKEN_FILE_H_

// Authenticates bearer tokens listed in a static file, in the format of
// kube-apiserver's --token-auth-file (k8s.io/apiserver/pkg/authentication/token/
// tokenfile/tokenfile.go), for use without a cluster's TokenReview API.
//
// File: CSV as Go's encoding/csv reads it (see go_csv.h), one record a user:
//   token,user name,uid[,"group1,group2,..."[,ignored...]]
//   - at least 3 fields, else the file is refused; fields after the 4th are
//     ignored; nothing is trimmed; there are no comment lines;
//   - the 4th field is split on every ',' (so it must be quoted to hold more
//     than one group; an empty 4th field gives one empty group name, as upstream);
//   - a record with an empty token is skipped with a warning;
//   - a token listed twice: the later record wins, with a warning.
//
// Requests: the token is found by BearerToken (bearer_token.h). No bearer token:
// kNoOpinion. A listed token: kAuthenticated with that user. Any other token:
// kRejected ("invalid bearer token"). Tokens are compared in constant time
// (by SHA-256 digest, against every entry), and never appear in errors, reasons
// or log lines.
//
// Immutable after Load; thread-safe.

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "endpoint/auth/auth.h"

namespace endpoint {

class TokenFileAuthenticator final : public Authenticator {
 public:
  // Reads and parses the file at `path`. Errors name the file (and
  // `path:line` for a bad record) and the problem, never a token:
  //   NotFound/PermissionDenied/...: `token file <path>: cannot read: <reason>`
  //   InvalidArgument: `<path>:<line>: parse error at column <col>: ...`
  //   InvalidArgument: `<path>:<line>: must have at least 3 columns (token,
  //                     user name, user uid), found <n>`
  static absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> Load(const std::string& path);

  // As Load, from the file's contents; `source_name` stands for the path.
  static absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> Parse(
      const std::string& contents, const std::string& source_name);

  AuthnResult Authenticate(const AuthRequest& request) override;

  size_t size() const { return entries_.size(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    UserInfo user;
  };

  explicit TokenFileAuthenticator(std::vector<Entry> entries);

  const std::vector<Entry> entries_;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_TOKEN_FILE_H_
