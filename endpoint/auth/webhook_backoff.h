#ifndef ENDPOINT_AUTH_WEBHOOK_BACKOFF_H_
#define ENDPOINT_AUTH_WEBHOOK_BACKOFF_H_

// Retrying a webhook call the way the kubelet's TokenReview and
// SubjectAccessReview calls are retried (k8s.io/apiserver/pkg/util/webhook/
// webhook.go WithExponentialBackoff + DefaultShouldRetry, with the kubelet's
// genericoptions.DefaultAuthWebhookRetryBackoff(): 500 ms, factor 1.5,
// jitter 0.2, 5 steps; cmd/kubelet/app/auth.go BuildAuthn/BuildAuthz).
//
//   - At most `steps` calls; between two calls a wait of initial_delay,
//     then x factor each time (500 ms, 750 ms, 1.125 s, 1.6875 s).
//   - Retried: an HTTP 500, 504 or 429 answer, or any non-2xx answer with a
//     Retry-After header (DefaultShouldRetry: IsInternalError, IsTimeout,
//     IsTooManyRequests, SuggestsClientDelay).
//   - Not retried: any other answer, and transport errors (upstream retries
//     only a connection reset, which cpp-httplib does not tell apart).
//   - The result is the last call's.
// **Our choice**: no jitter (upstream adds up to 20% at random), so that the
// waits are predictable in tests. Waits go through the injected Clock.
//
// Stateless; thread-safe if the client and clock are.

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "endpoint/auth/api_client.h"
#include "endpoint/clock.h"

namespace endpoint {

struct WebhookBackoff {
  // Default: 500 ms.
  std::chrono::milliseconds initial_delay = std::chrono::milliseconds(500);
  // Default: 1.5.
  double factor = 1.5;
  // Calls in all, the first included; 1 means no retry. Default: 5.
  int steps = 5;
};

// True when DefaultShouldRetry would retry this outcome of one call.
bool ShouldRetryWebhook(const absl::StatusOr<ApiResponse>& outcome);

// POSTs with retries as above. `clock` null: the system clock (real sleeps).
absl::StatusOr<ApiResponse> PostWithBackoff(ApiClient& client, Clock* clock,
                                            const WebhookBackoff& backoff,
                                            const std::string& api_path,
                                            const std::string& json_body);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_WEBHOOK_BACKOFF_H_
