#include "endpoint/auth/reviews.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Attributes CheckpointAttributes() {
  Attributes attributes;
  attributes.user = UserInfo{"alice", "1001", {"devs", "system:authenticated"}};
  attributes.verb = "create";
  attributes.resource = "nodes";
  attributes.name = "node-1";
  attributes.subresource = "checkpoint";
  attributes.api_version = "v1";
  attributes.path = "/checkpoint/ns/pod/ctr";
  return attributes;
}

TEST(TokenReviewJson, IsWhatClientGoSendsWithoutAudiences) {
  EXPECT_EQ(TokenReviewRequestJson("abc.def"),
            R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{},)"
            R"("spec":{"token":"abc.def"},"status":{"user":{}}})");
}

TEST(SubjectAccessReviewJson, IsWhatTheWebhookAuthorizerSends) {
  EXPECT_EQ(
      SubjectAccessReviewRequestJson(CheckpointAttributes()),
      R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",)"
      R"("metadata":{},"spec":{"resourceAttributes":{"verb":"create","version":"v1",)"
      R"("resource":"nodes","subresource":"checkpoint","name":"node-1"},"user":"alice",)"
      R"("groups":["devs","system:authenticated"],"uid":"1001"},"status":{"allowed":false}})");
}

TEST(SubjectAccessReviewJson, OmitsEveryEmptyField) {
  Attributes attributes;
  attributes.resource = "nodes";
  attributes.user.name = "system:anonymous";
  EXPECT_EQ(SubjectAccessReviewSpecJson(attributes),
            R"({"resourceAttributes":{"resource":"nodes"},"user":"system:anonymous"})");
}

TEST(SubjectAccessReviewJson, NonResourceRequestSendsPathAndVerb) {
  Attributes attributes = CheckpointAttributes();
  attributes.resource_request = false;
  attributes.verb = "get";
  attributes.path = "/healthz";
  attributes.user = UserInfo{"bob", "", {}};
  EXPECT_EQ(SubjectAccessReviewSpecJson(attributes),
            R"({"nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"bob"})");
}

TEST(SubjectAccessReviewJson, SpecIsTheRequestsSpec) {
  const std::string request = SubjectAccessReviewRequestJson(CheckpointAttributes());
  EXPECT_THAT(request,
              HasSubstr("\"spec\":" + SubjectAccessReviewSpecJson(CheckpointAttributes())));
}

TEST(ParseTokenReviewResponse, ReadsStatusAndUser) {
  absl::StatusOr<TokenReviewStatus> status = ParseTokenReviewResponse(R"({
    "kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
    "status": {"authenticated": true, "audiences": ["https://kubernetes.default.svc"],
               "user": {"username": "system:serviceaccount:ns:sa", "uid": "u-1",
                        "groups": ["system:serviceaccounts", "system:authenticated"],
                        "extra": {"authentication.kubernetes.io/pod-name": ["p"]}}}})");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(status->authenticated);
  EXPECT_EQ(status->user.name, "system:serviceaccount:ns:sa");
  EXPECT_EQ(status->user.uid, "u-1");
  EXPECT_THAT(status->user.groups, ElementsAre("system:serviceaccounts", "system:authenticated"));
  EXPECT_EQ(status->error, "");
}

TEST(ParseTokenReviewResponse, NullsAndMissingFieldsAreZero) {
  absl::StatusOr<TokenReviewStatus> status =
      ParseTokenReviewResponse(R"({"status": {"user": null, "error": null}})");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_FALSE(status->authenticated);
  EXPECT_EQ(status->user.name, "");
}

TEST(ParseTokenReviewResponse, RefusesWrongTypesWrongKindAndBadJson) {
  EXPECT_EQ(ParseTokenReviewResponse(R"({"status": {"authenticated": "true"}})").status().message(),
            "decoding TokenReview: status.authenticated: expected a boolean");
  EXPECT_EQ(ParseTokenReviewResponse(R"({"status": {"user": {"groups": "a"}}})").status().message(),
            "decoding TokenReview: status.user.groups: expected an array of strings");
  EXPECT_EQ(
      ParseTokenReviewResponse(R"({"kind": "Status", "status": "Success"})").status().message(),
      "decoding TokenReview: kind: got \"Status\"");
  EXPECT_EQ(ParseTokenReviewResponse("<html>").status().message(),
            "decoding TokenReview: invalid JSON");
  EXPECT_EQ(ParseTokenReviewResponse(R"({"Status": {"Authenticated": true}})")->authenticated,
            false);  // field names are case-sensitive
}

TEST(ParseSubjectAccessReviewResponse, ReadsEveryStatusField) {
  absl::StatusOr<SubjectAccessReviewStatus> status = ParseSubjectAccessReviewResponse(
      R"({"kind":"SubjectAccessReview","status":{"allowed":false,"denied":true,)"
      R"("reason":"no","evaluationError":"role missing"}})");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_FALSE(status->allowed);
  EXPECT_TRUE(status->denied);
  EXPECT_EQ(status->reason, "no");
  EXPECT_EQ(status->evaluation_error, "role missing");
  EXPECT_EQ(ParseSubjectAccessReviewResponse(R"({"status":{"allowed":1}})").status().message(),
            "decoding SubjectAccessReview: status.allowed: expected a boolean");
}

TEST(DescribeErrorResponse, UsesTheStatusMessageElseTheBody) {
  EXPECT_EQ(
      DescribeErrorResponse(ApiResponse{
          403,
          R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":)"
          R"("tokenreviews.authentication.k8s.io is forbidden","reason":"Forbidden","code":403})",
          false}),
      "tokenreviews.authentication.k8s.io is forbidden (HTTP 403)");
  EXPECT_EQ(DescribeErrorResponse(ApiResponse{502, "bad gateway", false}),
            "the server responded with HTTP 502: bad gateway");
  EXPECT_EQ(DescribeErrorResponse(ApiResponse{500, "", false}),
            "the server responded with HTTP 500");
  EXPECT_EQ(DescribeErrorResponse(ApiResponse{500, std::string(300, 'x'), false}),
            "the server responded with HTTP 500: " + std::string(200, 'x') + "...");
}

}  // namespace
}  // namespace endpoint
