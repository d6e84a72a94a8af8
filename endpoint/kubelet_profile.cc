#include "endpoint/kubelet_profile.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace endpoint {
namespace {

// Sources. "server.go" is kubernetes/kubernetes pkg/kubelet/server/server.go,
// "auth.go" pkg/kubelet/server/auth.go. [read] marks a line read at that tag;
// [inferred] one inferred from the neighbouring versions read, from a PR or
// from a CVE record (the kubernetes repository was read at v1.26.x, v1.28.0, a
// 1.31-era server.go and master after 1.36; 1.25, 1.27, 1.29 and 1.30 were
// not read directly).
//
// Same in every version:
// - kGoNotFoundBody: Go src/net/http/server.go NotFound -> Error, which sets
//   X-Content-Type-Options: nosniff and adds the newline. The route is absent
//   from the restful container's ServeMux when the gate is off (server.go
//   @v1.28.0 InstallDefaultHandlers: the web service is added only inside
//   `if utilfeature.DefaultFeatureGate.Enabled(features.ContainerCheckpoint)`).
// - kServeMuxRedirectStatus: Go src/net/http/server.go ServeMux.Handler
//   (cleanPath, redirectToPathSlash; findHandler/matchOrRedirect from Go 1.22),
//   RedirectHandler(..., StatusMovedPermanently).
// - kRestful*Body: emicklei/go-restful curly.go@v3.9.0 SelectRoute ("404: Page
//   Not Found"), jsr311.go@v3.9.0 detectRoute (405 with Allow, 415, 406),
//   container.go dispatch (the filter chain runs first, then
//   writeServiceError -> WriteErrorString, no newline added); unchanged through
//   v3.12.0 apart from the Content-Length condition below.

// --- Step 3: 403 body (server.go InstallAuthFilter) ---
// 1.25-1.31: fmt.Sprintf("Forbidden (user=%s, verb=%s, resource=%s,
// subresource=%s)", ...) then resp.WriteErrorString: no newline.
// [read server.go@v1.28.0 and the 1.31-era copy; 1.25-1.27, 1.29-1.30 inferred]
constexpr absl::string_view kForbiddenOneSubresource =
    "Forbidden (user=$0, verb=$1, resource=$2, subresource=$3)";
// 1.32+: []authorizer.Attributes (KEP-2862, kubernetes PR #126347): the
// subresources printed as a Go slice with %v, and a "\n" in the format.
// [read server.go@master after 1.36; 1.32-1.35 inferred from the PR]
constexpr absl::string_view kForbiddenSubresourceList =
    "Forbidden (user=$0, verb=$1, resource=$2, subresource(s)=[$3])\n";

// --- Step 3: 500 body when the authorizer fails (InstallAuthFilter) ---
// fmt.Sprintf("Authorization error (user=%s, verb=%s, resource=%s,
// subresource=%s)", ...), no newline; in 1.32+ for the attribute that failed.
// [read server.go@v1.28.0, 1.31-era, master]
constexpr absl::string_view kAuthorizationError =
    "Authorization error (user=$0, verb=$1, resource=$2, subresource=$3)";

// --- Step 2: subresource of /checkpoint/... (auth.go GetRequestAttributes) ---
// 1.25-1.29: no checkpoint case, so the default "proxy" [read auth.go@v1.26.x
// and @v1.28.0]. 1.30+: `case isSubpath(requestPath, checkpointPath):
// attrs.Subresource = "checkpoint"`, added with the move to beta (kubernetes
// PR #123215 "Switch ContainerCheckpoint from Alpha to Beta", 1.30) [read in
// the 1.31-era and []Attributes copies; the 1.30 boundary is the PR's].
constexpr bool kProxySubresource = false;
constexpr bool kCheckpointSubresource = true;

// --- ContainerCheckpoint default (pkg/features) ---
// 1.25-1.29: kube_features.go `ContainerCheckpoint: {Default: false,
// PreRelease: featuregate.Alpha}` [read @v1.26.x, @v1.28.0]. 1.30+:
// versioned_kube_features.go `{Version: 1.25, Default: false, Alpha},
// {Version: 1.30, Default: true, Beta}`, no later entry [read in a copy that
// has 1.34/1.35 entries; 1.36 inferred].
constexpr bool kGateAlphaOff = false;
constexpr bool kGateBetaOn = true;

// --- Where the route is installed (server.go NewServer) ---
// 1.25-1.32: InstallDefaultHandlers, whatever --enable-debugging-handlers
// says [read @v1.28.0 and 1.31-era]. 1.33+: InstallAuthRequiredHandlers, run
// only when kubeCfg.EnableDebuggingHandlers [read master; the move is the
// CVE-2025-0426 fix, kubernetes #130016, fixes #129739 and #130010, renames
// from #129354]. The same fix went into the patch releases 1.29.14, 1.30.10,
// 1.31.6 and 1.32.2 [inferred from the advisory]; these profiles model the
// .0 releases, before it.
constexpr bool kRouteInDefaultHandlers = false;
constexpr bool kRouteNeedsDebuggingHandlers = true;

// --- The web service root (server.go) ---
// 1.25-1.29: ws.Path("/checkpoint") [read @v1.26.x, @v1.28.0]; go-restful's
// container.go addHandler then registers "/checkpoint" and "/checkpoint/".
// 1.30+: ws.Path(checkpointPath), checkpointPath = "/checkpoint/" [read
// 1.31-era and master]; only "/checkpoint/" is registered. The 1.30 boundary
// is PR #123215's, like the subresource (both come from checkpointPath).
constexpr absl::string_view kRootWithoutSlash = "/checkpoint";
constexpr absl::string_view kRootWithSlash = "/checkpoint/";

// --- go-restful and the Accept header (jsr311.go detectRoute) ---
// The version from kubernetes/apiserver go.mod at kubernetes-1.X.0 [read]:
// 1.25 v3.8.0, 1.26-1.28 v3.9.0, 1.29-1.33 v3.11.0, 1.34-1.35 v3.12.2, 1.36
// v3.13.0. Up to v3.11: 415 only when Header.Get("Content-Length") == "";
// v3.12.0: `length == "" || length == "0"` [read @v3.12.0; v3.12.2 and v3.13.0
// not read, assumed the same].
constexpr bool kZeroLengthIs406 = false;
constexpr bool kZeroLengthIs415 = true;

// --- kubernetes_build_info ---
// Labels as k8s.io/component-base metrics/prometheus/version init() registers
// them [read @kubernetes-1.25.0, 1.28.0, 1.32.0, 1.36.0]; the kubelet imports
// that package for its side effect [read cmd/kubelet/kubelet.go@v1.28.0].
// Values: git_version is the .0 release of each minor (major, minor follow);
// go_version is the Go release we believe built it (go1.20.7 for 1.28.0 read
// in .go-version; the others plausible, not read); build_date is the release
// day (time of day not the real one); git_commit is NOT the release commit
// (not available to us): it is the SHA-1 of the git_version text, a stand-in
// of the right shape. platform linux/amd64, compiler gc, tree clean.
constexpr KubeletBuildInfo Build(absl::string_view minor, absl::string_view git_version,
                                 absl::string_view git_commit, absl::string_view build_date,
                                 absl::string_view go_version) {
  return KubeletBuildInfo{"1",        minor,      git_version, git_commit,   "clean",
                          build_date, go_version, "gc",        "linux/amd64"};
}

const std::vector<KubeletProfile>& Table() {
  static const std::vector<KubeletProfile> kTable = {
      {"1.25",
       Build("25", "v1.25.0", "081f6eeb5a0913dd788bcdea76efb75650971745", "2022-08-23T00:00:00Z",
             "go1.19"),
       kForbiddenOneSubresource, kAuthorizationError, kProxySubresource, kGateAlphaOff,
       kRouteInDefaultHandlers, kRootWithoutSlash, kZeroLengthIs406, "v3.8.0"},
      {"1.26",
       Build("26", "v1.26.0", "3b71ca4ba3a35c97c5afc452091375d282ac299f", "2022-12-08T00:00:00Z",
             "go1.19.4"),
       kForbiddenOneSubresource, kAuthorizationError, kProxySubresource, kGateAlphaOff,
       kRouteInDefaultHandlers, kRootWithoutSlash, kZeroLengthIs406, "v3.9.0"},
      {"1.27",
       Build("27", "v1.27.0", "f5655b280a3d023636df2ea3386b4335481b597c", "2023-04-11T00:00:00Z",
             "go1.20.3"),
       kForbiddenOneSubresource, kAuthorizationError, kProxySubresource, kGateAlphaOff,
       kRouteInDefaultHandlers, kRootWithoutSlash, kZeroLengthIs406, "v3.9.0"},
      {"1.28",
       Build("28", "v1.28.0", "35eb470a90ed8c28234e6a4edb311b4c3a7e3fb7", "2023-08-15T00:00:00Z",
             "go1.20.7"),
       kForbiddenOneSubresource, kAuthorizationError, kProxySubresource, kGateAlphaOff,
       kRouteInDefaultHandlers, kRootWithoutSlash, kZeroLengthIs406, "v3.9.0"},
      {"1.29",
       Build("29", "v1.29.0", "9a19d9839ec288a079ed2cc9f394a1d16ece16a6", "2023-12-13T00:00:00Z",
             "go1.21.5"),
       kForbiddenOneSubresource, kAuthorizationError, kProxySubresource, kGateAlphaOff,
       kRouteInDefaultHandlers, kRootWithoutSlash, kZeroLengthIs406, "v3.11.0"},
      {"1.30",
       Build("30", "v1.30.0", "01e5fdd4dde148e60e995e2b16dba533f9bd7c39", "2024-04-17T00:00:00Z",
             "go1.22.2"),
       kForbiddenOneSubresource, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteInDefaultHandlers, kRootWithSlash, kZeroLengthIs406, "v3.11.0"},
      {"1.31",
       Build("31", "v1.31.0", "13ee4c0c1afabd08717e7f3b2d21ab429a03dbc3", "2024-08-13T00:00:00Z",
             "go1.22.5"),
       kForbiddenOneSubresource, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteInDefaultHandlers, kRootWithSlash, kZeroLengthIs406, "v3.11.0"},
      {"1.32",
       Build("32", "v1.32.0", "d8ee2269d377368ab416a744cbf707b7f6f4f325", "2024-12-11T00:00:00Z",
             "go1.23.3"),
       kForbiddenSubresourceList, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteInDefaultHandlers, kRootWithSlash, kZeroLengthIs406, "v3.11.0"},
      {"1.33",
       Build("33", "v1.33.0", "5dce000868e6aa6625da4fae96632ebc8f4b9667", "2025-04-23T00:00:00Z",
             "go1.24.2"),
       kForbiddenSubresourceList, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteNeedsDebuggingHandlers, kRootWithSlash, kZeroLengthIs406, "v3.11.0"},
      {"1.34",
       Build("34", "v1.34.0", "4343918c9f81054c74f23e7da2f094a57e981013", "2025-08-27T00:00:00Z",
             "go1.24.6"),
       kForbiddenSubresourceList, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteNeedsDebuggingHandlers, kRootWithSlash, kZeroLengthIs415, "v3.12.2"},
      {"1.35",
       Build("35", "v1.35.0", "e28f95c4becdb66db9133dc10d74c954d5326511", "2025-12-17T00:00:00Z",
             "go1.25.5"),
       kForbiddenSubresourceList, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteNeedsDebuggingHandlers, kRootWithSlash, kZeroLengthIs415, "v3.12.2"},
      {"1.36",
       Build("36", "v1.36.0", "88f96d8aaeb4d0ec9641b78f3571607b76c9e0b6", "2026-04-22T00:00:00Z",
             "go1.26.2"),
       kForbiddenSubresourceList, kAuthorizationError, kCheckpointSubresource, kGateBetaOn,
       kRouteNeedsDebuggingHandlers, kRootWithSlash, kZeroLengthIs415, "v3.13.0"},
  };
  return kTable;
}

}  // namespace

const std::vector<KubeletProfile>& KubeletProfiles() { return Table(); }

std::string KubeletVersionList() {
  return absl::StrJoin(Table(), ", ", [](std::string* out, const KubeletProfile& p) {
    absl::StrAppend(out, p.version);
  });
}

absl::StatusOr<const KubeletProfile*> FindKubeletProfile(absl::string_view version) {
  for (const KubeletProfile& p : Table()) {
    if (p.version == version) return &p;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown kubelet version \"", version,
                                                 "\" (one of ", KubeletVersionList(), ")"));
}

bool ServesCheckpointRoute(const KubeletProfile& profile, bool checkpoint_gate,
                           bool enable_debugging_handlers) {
  return checkpoint_gate && (enable_debugging_handlers || !profile.route_needs_debugging_handlers);
}

}  // namespace endpoint
