#ifndef ENDPOINT_AUTH_ATTRIBUTES_H_
#define ENDPOINT_AUTH_ATTRIBUTES_H_

// Step 2 of a request: the authorization attributes, and the texts the kubelet
// answers with when step 3 denies (403) or fails (500).
//
// Pure functions of their arguments; thread-safe.

#include <string>

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
//                /logs[/...]→log, /checkpoint[/...]→checkpoint, else→proxy
// REQUIRES: `path` is the request's decoded path without the query string.
// Not modelled: the KubeletFineGrainedAuthz gate (1.32+), which adds a first,
// finer attribute (pods, healthz, configz, statusz) before "proxy" for a few
// paths that this endpoint does not serve.
Attributes GetRequestAttributes(const UserInfo& user, const std::string& method,
                                const std::string& path, const std::string& node_name);

// The subresource for `path` alone (see above).
std::string SubresourceForPath(const std::string& path);

// The verb for an HTTP method (see above).
std::string VerbForMethod(const std::string& method);

// The 403 body, newline included:
// `Forbidden (user=<user>, verb=<verb>, resource=nodes, subresource(s)=[<sub>])\n`
// (the kubelet formats a []string with %v, hence the brackets).
std::string ForbiddenText(const Attributes& attributes);

// The 500 body when the authorizer fails, no trailing newline:
// `Authorization error (user=<user>, verb=<verb>, resource=nodes, subresource=<sub>)`
std::string AuthorizationErrorText(const Attributes& attributes);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_ATTRIBUTES_H_
