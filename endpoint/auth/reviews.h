#ifndef ENDPOINT_AUTH_REVIEWS_H_
#define ENDPOINT_AUTH_REVIEWS_H_

// The wire format of the two review objects the webhook modes POST to the API
// server, as client-go's JSON encoding of the Go types writes them (field
// order and omitempty rules of k8s.io/api authentication/v1 and
// authorization/v1 types.go; Go's encoding/json writes a struct even when it
// is tagged omitempty, hence "status":{...}; since Kubernetes 1.33 a zero
// creationTimestamp is omitted, hence "metadata":{} - kubernetes/kubernetes
// PR 130989):
//
//   {"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1",
//    "metadata":{},"spec":{"token":"<token>"},"status":{"user":{}}}
//
// spec.audiences is left out: the kubelet's request context carries no
// audiences (the kubelet's DelegatingAuthenticatorConfig has no APIAudiences),
// so the webhook token authenticator sends none and checks none.
//
//   {"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
//    "metadata":{},
//    "spec":{"resourceAttributes":{"namespace":..,"verb":..,"group":..,
//            "version":..,"resource":..,"subresource":..,"name":..},
//            "user":..,"groups":[..],"uid":..},
//    "status":{"allowed":false}}
//
// as plugin/pkg/authorizer/webhook/webhook.go builds it: every string field is
// omitted when empty, and so is an empty groups list; a non-resource request
// has "nonResourceAttributes":{"path":..,"verb":..} instead. `extra` is never
// sent because UserInfo (auth.h) does not carry it.
//
// Responses are decoded as the apimachinery JSON serializer does: field names
// are case-sensitive, unknown fields and null values are ignored, a value of
// the wrong type is an error, and so is a `kind` other than the expected one.
//
// Pure functions; thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "endpoint/auth/api_client.h"
#include "endpoint/auth/auth.h"

namespace endpoint {

inline constexpr char kTokenReviewPath[] = "/apis/authentication.k8s.io/v1/tokenreviews";
inline constexpr char kSubjectAccessReviewPath[] =
    "/apis/authorization.k8s.io/v1/subjectaccessreviews";

std::string TokenReviewRequestJson(const std::string& token);

struct TokenReviewStatus {
  bool authenticated = false;
  UserInfo user;      // status.user: username, uid, groups (extra is dropped)
  std::string error;  // status.error
};

// Errors (InvalidArgument) are `decoding TokenReview: <problem>`.
absl::StatusOr<TokenReviewStatus> ParseTokenReviewResponse(const std::string& body);

// The `spec` object alone: also the authorizer's cache key, as upstream keys
// its cache by json.Marshal(r.Spec).
std::string SubjectAccessReviewSpecJson(const Attributes& attributes);
std::string SubjectAccessReviewRequestJson(const Attributes& attributes);

struct SubjectAccessReviewStatus {
  bool allowed = false;
  bool denied = false;
  std::string reason;
  std::string evaluation_error;
};

// Errors (InvalidArgument) are `decoding SubjectAccessReview: <problem>`.
absl::StatusOr<SubjectAccessReviewStatus> ParseSubjectAccessReviewResponse(const std::string& body);

// What went wrong with a non-2xx answer: the `message` of a Status body
// (what client-go shows), else `the server responded with HTTP <code>` and the
// start of the body.
std::string DescribeErrorResponse(const ApiResponse& response);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_REVIEWS_H_
