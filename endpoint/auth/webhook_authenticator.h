#ifndef ENDPOINT_AUTH_WEBHOOK_AUTHENTICATOR_H_
#define ENDPOINT_AUTH_WEBHOOK_AUTHENTICATOR_H_

// Authenticates bearer tokens by asking the API server (TokenReview,
// authentication.k8s.io/v1), as the kubelet does with
// --authentication-token-webhook (cmd/kubelet/app/auth.go BuildAuthn ->
// k8s.io/apiserver/pkg/authentication/authenticatorfactory/delegating.go:
// bearertoken.New(cache.New(webhooktoken.NewFromInterface(...), false,
// CacheTTL, CacheTTL))).
//
//   - No bearer token (bearer_token.h): kNoOpinion; the server is not asked.
//   - POST /apis/authentication.k8s.io/v1/tokenreviews with the token
//     (reviews.h), retried as webhook_backoff.h says
//     (plugin/pkg/authenticator/token/webhook/webhook.go).
//   - status.authenticated: kAuthenticated with status.user's username, uid
//     and groups (extra is dropped: UserInfo has no place for it).
//   - Not authenticated: kRejected; reason status.error when the server gave
//     one, else "invalid bearer token" (bearertoken.go's invalidToken).
//   - No answer, a non-2xx answer or an undecodable one: kRejected, reason
//     `webhook token authenticator: <what went wrong>`.
//   - Cache (token/cache/cached_token_authenticator.go with cacheErrs=false):
//     authenticated and not-authenticated answers are kept for cache_ttl,
//     keyed by the token's SHA-256 digest (never the token); answers with
//     status.error and failed calls are not kept. cache_ttl 0: no cache.
//     Bounded to 4096 tokens, least recently used first out.
// Reasons never contain the token: a server's status.error or error body that
// quotes it has it replaced by "<token>".
// Not modelled: the websocket-protocol token (base64url.bearer.authorization.
// k8s.io.<token>), which only websocket routes use, and sharing one
// in-flight call among concurrent requests with the same token.
//
// Thread-safe.

#include <chrono>
#include <memory>
#include <string>

#include "endpoint/auth/api_client.h"
#include "endpoint/auth/auth.h"
#include "endpoint/auth/expiring_cache.h"
#include "endpoint/auth/webhook_backoff.h"
#include "endpoint/clock.h"

namespace endpoint {

struct WebhookAuthenticatorOptions {
  // --authentication-token-webhook-cache-ttl. Default: 2m (kubelet config
  // default authentication.webhook.cacheTTL). 0: no cache.
  std::chrono::milliseconds cache_ttl = std::chrono::minutes(2);
  WebhookBackoff backoff;
  // Cache expiry and retry waits. Null: the system clock.
  // REQUIRES: a non-null clock outlives the authenticator.
  Clock* clock = nullptr;
};

class WebhookTokenAuthenticator final : public Authenticator {
 public:
  // REQUIRES: `client` is not null.
  WebhookTokenAuthenticator(std::shared_ptr<ApiClient> client,
                            const WebhookAuthenticatorOptions& options = {});

  AuthnResult Authenticate(const AuthRequest& request) override;

 private:
  struct Answer {
    bool authenticated = false;
    UserInfo user;
  };

  WallTime Now() const;

  const std::shared_ptr<ApiClient> client_;
  const WebhookAuthenticatorOptions options_;
  ExpiringCache<Answer> cache_;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_WEBHOOK_AUTHENTICATOR_H_
