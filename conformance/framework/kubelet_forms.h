#ifndef CONFORMANCE_FRAMEWORK_KUBELET_FORMS_H_
#define CONFORMANCE_FRAMEWORK_KUBELET_FORMS_H_

// What a correct kubelet answers where kubelet versions differ, for the
// requirements that judge those answers. Written from the kubelet's sources
// (conformance/README.md, "Kubelet versions"), on purpose apart from our
// endpoint's own table: the suite must not trust the implementation it judges.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace conformance {

// Kubelet minor versions the suite knows: 1.25 (the API's first) to 1.36.
inline constexpr int kOldestKubeletMinor = 25;
inline constexpr int kNewestKubeletMinor = 36;

std::string KubeletName(int minor);  // "1.28"
// "1.28" or "v1.28.3" -> 28; nullopt for anything else or a version the suite does not know.
std::optional<int> ParseKubeletMinor(const std::string& text);

// One HTTP answer, as the judging compares it.
struct Form {
  int status = 0;
  std::string body;
  std::string location;  // the Location header, for redirects
  bool operator==(const Form& o) const {
    return status == o.status && body == o.body && location == o.location;
  }
};
std::string Describe(const Form& f);

// The 403 for `user` creating a checkpoint: 1.25-1.29 name the subresource
// proxy (auth.go had no checkpoint case; kubernetes PR 123215 added it in
// 1.30), 1.30-1.31 checkpoint, 1.32+ the list form with a newline (PR 126347).
Form Forbidden(int minor, const std::string& user);
// POST /checkpoint (no slash): up to 1.29 the web service root is /checkpoint,
// so the request is authenticated, then go-restful answers 404 "404: Page Not
// Found"; from 1.30 the root is /checkpoint/ and Go's ServeMux redirects with
// 301 to /checkpoint/ before any authentication.
Form PostCheckpointRoot(int minor, bool authenticated);
// A POST whose Accept names neither application/json nor */*: go-restful
// answers 415 "415: Unsupported Media Type\n\nAvailable representations:
// application/json", but 406 "406: Not Acceptable\n\n..." when the request
// carries Content-Length: 0 before go-restful v3.12 (kubelet 1.34).
Form NonJsonAccept(int minor, bool content_length_zero);

// The versions whose form, from `expected(minor)`, equals `got`, as ranges:
// "1.25-1.29", "1.32-1.36, 1.38". Empty when none.
std::string MatchingVersions(const std::function<Form(int)>& expected, const Form& got);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_KUBELET_FORMS_H_
