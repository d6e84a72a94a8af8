#ifndef ENDPOINT_AUTH_ATTRIBUTES_H_
#define ENDPOINT_AUTH_ATTRIBUTES_H_

// Step 2 of a request: the authorization attributes, and the texts the kubelet
// answers with when step 3 denies (403) or fails (500).
//
// Pure functions of their arguments; thread-safe.

#include <string>

#include "absl/strings/string_view.h"
#include "endpoint/auth/auth.h"

namespace endpoint {

// The attributes the kubelet authorizes a request with, as
// nodeAuthorizerAttributesGetter.GetRequestAttributes builds them
// (kubernetes/kubernetes pkg/kubelet/server/auth.go):
//   verb         POST→create, GET→get, PUT→update, PATCH→patch, DELETE→delete,
//                any other method (HEAD, OPTIONS, ...)→"" (matched case-sensitively)
//   resource     "nodes", name = `node_name`, api_version "v1", no group, no
//                namespace, resource_request true, path = `path`
//   subresource  by path: /stats[/...]→stats, /metrics[/...]→metrics,
//                /logs[/...]→log, /checkpoint[/...]→checkpoint when
//                `checkpoint_subresource` (kubelet 1.30 and later; before, auth.go
//                had no such case and checkpoints were authorized as proxy),
//                else→proxy
// REQUIRES: `path` is the request's decoded path without the query string.
// Not modelled: the KubeletFineGrainedAuthz gate (1.32+), which adds a first,
// finer attribute (pods, healthz, configz, statusz) before "proxy" for a few
// paths (/healthz among them, where 1.33+ would name [healthz proxy]).
Attributes GetRequestAttributes(const UserInfo& user, const std::string& method,
                                const std::string& path, const std::string& node_name,
                                bool checkpoint_subresource = true);

// The subresource for `path` alone (see above).
std::string SubresourceForPath(const std::string& path, bool checkpoint_subresource = true);

// The verb for an HTTP method (see above).
std::string VerbForMethod(const std::string& method);

// A 403 or authorizer-failure 500 body in a kubelet version's words:
// `format` is an absl::Substitute format with $0 user, $1 verb, $2 resource
// and $3 subresource (each version's formats are in endpoint/kubelet_profile.cc).
std::string FormatAuthorizationText(absl::string_view format, const Attributes& attributes);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_ATTRIBUTES_H_
