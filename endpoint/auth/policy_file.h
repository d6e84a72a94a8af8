#ifndef ENDPOINT_AUTH_POLICY_FILE_H_
#define ENDPOINT_AUTH_POLICY_FILE_H_

// Authorizes requests by a local JSON policy file, for a node run without a
// cluster (the kubelet itself knows only AlwaysAllow and Webhook). Our own
// format (see README.md):
//
//   {"rules": [{"users": ["alice"], "groups": ["system:masters"],
//               "verbs": ["create"], "subresources": ["checkpoint"],
//               "nodes": ["*"]}]}
//
// A rule matches when
//   (users has the user's name or "*", or groups has one of the user's groups
//    or "*")
//   and verbs has the verb or "*" and subresources has the subresource or "*"
//   and (nodes is absent, or has the node name or "*").
// Matching is exact and case-sensitive. Some rule matches: kAllow, reason
// `allowed by policy rule <index>`; none: kDeny, reason "no policy rule
// matches". Never kError.
//
// Parsing is strict; an error names the file and the JSON path:
//   `<path>: $.rules[0].verbs: expected an array of strings`
// Rules: the top level is an object with exactly the key "rules", an array
// (empty: deny everything). A rule is an object with only the keys users,
// groups, verbs, subresources, nodes, each an array of strings; verbs and
// subresources are required, and so is at least one of users and groups;
// an array that is present must not be empty; no key may appear twice.
//
// Immutable after Load; thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "endpoint/auth/auth.h"

namespace endpoint {

struct PolicyRule {
  std::vector<std::string> users;
  std::vector<std::string> groups;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;
  std::optional<std::vector<std::string>> nodes;  // absent: every node

  bool Matches(const Attributes& attributes) const;
};

class PolicyFileAuthorizer final : public Authorizer {
 public:
  // Errors: `policy file <path>: cannot read: <reason>` (NotFound, ...), or
  // InvalidArgument `<path>: invalid JSON: ...` / `<path>: <json path>: ...`.
  static absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> Load(const std::string& path);

  // As Load, from the file's contents; `source_name` stands for the path.
  static absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> Parse(
      const std::string& json, const std::string& source_name);

  AuthzDecision Authorize(const Attributes& attributes) override;

  const std::vector<PolicyRule>& rules() const { return rules_; }

 private:
  explicit PolicyFileAuthorizer(std::vector<PolicyRule> rules);

  const std::vector<PolicyRule> rules_;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_POLICY_FILE_H_
