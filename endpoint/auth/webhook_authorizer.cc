#include "endpoint/auth/webhook_authorizer.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"

namespace endpoint {
namespace {

// webhook.go: cache.NewLRUExpireCache(8192) and maxControlledAttrCacheSize.
constexpr size_t kCacheCapacity = 8192;
constexpr size_t kMaxControlledAttrCacheSize = 10000;
constexpr char kReasonPrefix[] = "webhook authorizer: ";

bool ShouldCache(const Attributes& a) {
  const size_t size = a.namespace_.size() + a.verb.size() + a.api_group.size() +
                      a.api_version.size() + a.resource.size() + a.subresource.size() +
                      a.name.size() + a.path.size();
  return size < kMaxControlledAttrCacheSize;
}

AuthzDecision Decision(AuthzDecision::Kind kind, std::string reason) {
  return AuthzDecision{kind, std::move(reason)};
}

AuthzDecision DecisionFor(const SubjectAccessReviewStatus& status) {
  if (status.allowed && status.denied) {
    return Decision(AuthzDecision::Kind::kError,
                    "webhook subject access review returned both allow and deny response");
  }
  if (status.allowed) return Decision(AuthzDecision::Kind::kAllow, status.reason);
  std::string reason = status.reason.empty() ? "no opinion" : status.reason;
  if (!status.evaluation_error.empty()) {
    absl::StrAppend(&reason, "; evaluation error: ", status.evaluation_error);
  }
  return Decision(AuthzDecision::Kind::kDeny, std::move(reason));
}

}  // namespace

WebhookAuthorizer::WebhookAuthorizer(std::shared_ptr<ApiClient> client,
                                     const WebhookAuthorizerOptions& options)
    : client_(std::move(client)), options_(options), cache_(kCacheCapacity) {}

WallTime WebhookAuthorizer::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : WallTime::clock::now();
}

AuthzDecision WebhookAuthorizer::Authorize(const Attributes& attributes) {
  const std::string key = SubjectAccessReviewSpecJson(attributes);
  if (std::optional<SubjectAccessReviewStatus> cached = cache_.Get(key, Now())) {
    return DecisionFor(*cached);
  }
  absl::StatusOr<ApiResponse> response =
      PostWithBackoff(*client_, options_.clock, options_.backoff, kSubjectAccessReviewPath,
                      SubjectAccessReviewRequestJson(attributes));
  if (!response.ok()) {
    return Decision(AuthzDecision::Kind::kError,
                    absl::StrCat(kReasonPrefix, response.status().message()));
  }
  if (response->status < 200 || response->status >= 300) {
    return Decision(AuthzDecision::Kind::kError,
                    absl::StrCat(kReasonPrefix, DescribeErrorResponse(*response)));
  }
  absl::StatusOr<SubjectAccessReviewStatus> status =
      ParseSubjectAccessReviewResponse(response->body);
  if (!status.ok()) {
    return Decision(AuthzDecision::Kind::kError,
                    absl::StrCat(kReasonPrefix, status.status().message()));
  }
  const std::chrono::milliseconds ttl =
      status->allowed ? options_.cache_authorized_ttl : options_.cache_unauthorized_ttl;
  if (ttl.count() > 0 && ShouldCache(attributes)) {
    cache_.Put(key, *status, Now() + std::chrono::duration_cast<WallTime::duration>(ttl));
  }
  return DecisionFor(*status);
}

}  // namespace endpoint
