#ifndef CONFORMANCE_FRAMEWORK_TARGET_PROBE_H_
#define CONFORMANCE_FRAMEWORK_TARGET_PROBE_H_

// Before the tests: what the suite must know of an endpoint to judge it
// (KubeletFacts). Three requests, none of which takes a checkpoint:
//  - the version: `forced_minor` (--kubelet-version), else the git_version of
//    kubernetes_build_info on /metrics when the allowed identity may read it,
//    else unknown (every version's forms are accepted and the match reported);
//  - the route: POST /checkpoint/<ns>/<no such pod>/<c> as the allowed
//    identity; Go's "404 page not found" means the route is not registered
//    (the ContainerCheckpoint gate is off, or, from 1.33, debugging handlers);
//  - anonymous auth: the same request without credentials; anything but 401
//    means such requests are user system:anonymous.

#include <chrono>
#include <optional>
#include <string>

#include "conformance/framework/target.h"

namespace conformance {

void ProbeEndpoint(EndpointTarget* e, std::optional<int> forced_minor,
                   std::chrono::milliseconds timeout);

// The git_version label of kubernetes_build_info in a Prometheus text
// exposition ("v1.28.3"), or "" when there is none.
std::string BuildInfoGitVersion(const std::string& prometheus_text);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_TARGET_PROBE_H_
