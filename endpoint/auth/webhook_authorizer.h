#ifndef ENDPOINT_AUTH_WEBHOOK_AUTHORIZER_H_
#define ENDPOINT_AUTH_WEBHOOK_AUTHORIZER_H_

// Authorizes requests by asking the API server (SubjectAccessReview,
// authorization.k8s.io/v1), as the kubelet does with
// --authorization-mode=Webhook (cmd/kubelet/app/auth.go BuildAuthz ->
// k8s.io/apiserver/pkg/authorization/authorizerfactory DelegatingAuthorizerConfig
// -> plugin/pkg/authorizer/webhook/webhook.go, decisionOnError NoOpinion).
//
//   - POST /apis/authorization.k8s.io/v1/subjectaccessreviews with the user
//     and the attributes (reviews.h), retried as webhook_backoff.h says.
//   - status.allowed and status.denied both true: kError ("webhook subject
//     access review returned both allow and deny response"): upstream returns
//     DecisionDeny with an error, and the kubelet answers an error with 500.
//   - status.allowed: kAllow, reason status.reason.
//   - Otherwise (denied, or no opinion): kDeny (the kubelet answers 403 to
//     anything but allow), reason status.reason or "no opinion", followed by
//     `; evaluation error: <status.evaluationError>` when there is one (it
//     does not change the decision, as upstream).
//   - No answer, a non-2xx answer or an undecodable one: kError (500), reason
//     `webhook authorizer: <what went wrong>`.
//   - Cache: keyed by the whole spec (SubjectAccessReviewSpecJson, as upstream
//     keys by json.Marshal(r.Spec)); allowed answers kept for
//     cache_authorized_ttl, every other decoded answer for
//     cache_unauthorized_ttl; failed calls are not kept. A TTL of 0 keeps
//     nothing of that kind. Not cached when the request-controlled attributes
//     (namespace, verb, group, version, resource, subresource, name, path)
//     add up to 10000 bytes or more (shouldCache). Bounded to 8192 entries
//     (LRUExpireCache(8192)), least recently used first out.
//
// Thread-safe.

#include <chrono>
#include <memory>
#include <string>

#include "endpoint/auth/api_client.h"
#include "endpoint/auth/auth.h"
#include "endpoint/auth/expiring_cache.h"
#include "endpoint/auth/reviews.h"
#include "endpoint/auth/webhook_backoff.h"
#include "endpoint/clock.h"

namespace endpoint {

struct WebhookAuthorizerOptions {
  // --authorization-webhook-cache-authorized-ttl. Default: 5m (kubelet config
  // default authorization.webhook.cacheAuthorizedTTL).
  std::chrono::milliseconds cache_authorized_ttl = std::chrono::minutes(5);
  // --authorization-webhook-cache-unauthorized-ttl. Default: 30s (kubelet
  // config default authorization.webhook.cacheUnauthorizedTTL).
  std::chrono::milliseconds cache_unauthorized_ttl = std::chrono::seconds(30);
  WebhookBackoff backoff;
  // Cache expiry and retry waits. Null: the system clock.
  // REQUIRES: a non-null clock outlives the authorizer.
  Clock* clock = nullptr;
};

class WebhookAuthorizer final : public Authorizer {
 public:
  // REQUIRES: `client` is not null.
  WebhookAuthorizer(std::shared_ptr<ApiClient> client,
                    const WebhookAuthorizerOptions& options = {});

  AuthzDecision Authorize(const Attributes& attributes) override;

 private:
  WallTime Now() const;

  const std::shared_ptr<ApiClient> client_;
  const WebhookAuthorizerOptions options_;
  ExpiringCache<SubjectAccessReviewStatus> cache_;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_WEBHOOK_AUTHORIZER_H_
