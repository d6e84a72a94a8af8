#ifndef ENDPOINT_KUBELET_PROFILE_H_
#define ENDPOINT_KUBELET_PROFILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace endpoint {

// What kubernetes_build_info carries (k8s.io/component-base version.Info, as
// metrics/prometheus/version's init() registers it). Label values.
struct KubeletBuildInfo {
  absl::string_view major, minor, git_version, git_commit, git_tree_state, build_date, go_version,
      compiler, platform;
};

// One kubelet minor version as a client of POST /checkpoint/... sees it: the
// texts, defaults and routing that differ between versions. One entry per
// minor version in KubeletProfiles(); code asks the entry, never the version
// number. Where each field comes from is cited beside its values in
// kubelet_profile.cc. Immutable; safe to share between threads.
struct KubeletProfile {
  // "1.28": what --kubelet-version takes.
  absl::string_view version;
  // The kubernetes_build_info labels of this version's .0 release.
  KubeletBuildInfo build;

  // Step 3 (InstallAuthFilter): the 403 body, an absl::Substitute format with
  // $0 user, $1 verb, $2 resource, $3 subresource; it carries its own newline
  // where the kubelet writes one.
  absl::string_view forbidden_format;
  // Step 3: the 500 body when the authorizer fails (same arguments).
  absl::string_view authorization_error_format;
  // Step 2 (auth.go GetRequestAttributes): whether /checkpoint/... has its own
  // subresource "checkpoint"; without it the request is authorized as "proxy".
  bool checkpoint_subresource;

  // --feature-gates ContainerCheckpoint default (pkg/features).
  bool checkpoint_gate_default;
  // The route is installed only with --enable-debugging-handlers (NewServer).
  bool route_needs_debugging_handlers;
  // The go-restful web service root of the route: "/checkpoint" (go-restful
  // then registers "/checkpoint" and "/checkpoint/" with Go's ServeMux, so
  // `POST /checkpoint` reaches auth and gets 404) or "/checkpoint/" (only the
  // subtree: the mux redirects `POST /checkpoint` to it, before auth).
  absl::string_view route_root;
  // go-restful's answer to a POST whose Accept names no type the route
  // produces (application/json) and that carries `Content-Length: 0`: 415
  // (v3.12 and later) or 406 (earlier). Without a Content-Length header it is
  // 415 in every version.
  bool unacceptable_zero_length_post_is_415;
  // The go-restful release this kubelet vendors (for the docs and the tests).
  absl::string_view go_restful;
};

// Behaviour that is the same in every version (cited in kubelet_profile.cc).
//
// Go's http.NotFound (net/http server.go), written by the ServeMux for a path
// no handler is registered for, before any go-restful filter (so before
// authentication); with X-Content-Type-Options: nosniff.
inline constexpr absl::string_view kGoNotFoundBody = "404 page not found\n";
// The ServeMux's redirects (a path with empty, "." or ".." segments to its
// cleaned form; "/tree" to "/tree/" when only the subtree is registered),
// before any go-restful filter. Query kept. Go 1.26 (kubelet 1.36) may answer
// some of them 307 instead (Go CL 720820); unconfirmed, so 301 here too.
inline constexpr int kServeMuxRedirectStatus = 301;
// go-restful's route errors (CurlyRouter.SelectRoute, RouterJSR311.detectRoute),
// written after the container filters (authentication, authorization) ran.
inline constexpr absl::string_view kRestfulNotFoundBody = "404: Page Not Found";
inline constexpr absl::string_view kRestfulMethodNotAllowedBody = "405: Method Not Allowed";
inline constexpr absl::string_view kRestfulUnsupportedMediaTypeBody =
    "415: Unsupported Media Type\n\nAvailable representations: application/json";
inline constexpr absl::string_view kRestfulNotAcceptableBody =
    "406: Not Acceptable\n\nAvailable representations: application/json";

// The version --kubelet-version defaults to: the newest released minor.
inline constexpr absl::string_view kDefaultKubeletVersion = "1.36";

// Every profile, oldest first.
const std::vector<KubeletProfile>& KubeletProfiles();
// The profile for "1.X"; INVALID_ARGUMENT naming the valid ones otherwise.
absl::StatusOr<const KubeletProfile*> FindKubeletProfile(absl::string_view version);
// "1.25, 1.26, ..., 1.36".
std::string KubeletVersionList();

// Whether a kubelet of `profile` serves the checkpoint route at all, given its
// ContainerCheckpoint gate and --enable-debugging-handlers.
bool ServesCheckpointRoute(const KubeletProfile& profile, bool checkpoint_gate,
                           bool enable_debugging_handlers);

}  // namespace endpoint

#endif  // ENDPOINT_KUBELET_PROFILE_H_
