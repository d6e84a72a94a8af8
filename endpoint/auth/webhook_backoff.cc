#include "endpoint/auth/webhook_backoff.h"

namespace endpoint {

bool ShouldRetryWebhook(const absl::StatusOr<ApiResponse>& outcome) {
  if (!outcome.ok()) return false;
  const int status = outcome->status;
  if (status >= 200 && status < 300) return false;
  return status == 500 || status == 504 || status == 429 || outcome->retry_after;
}

absl::StatusOr<ApiResponse> PostWithBackoff(ApiClient& client, Clock* clock,
                                            const WebhookBackoff& backoff,
                                            const std::string& api_path,
                                            const std::string& json_body) {
  RealClock real_clock;
  Clock& time = clock != nullptr ? *clock : real_clock;
  std::chrono::duration<double, std::milli> delay = backoff.initial_delay;
  absl::StatusOr<ApiResponse> outcome = client.Post(api_path, json_body);
  for (int call = 1; call < backoff.steps && ShouldRetryWebhook(outcome); ++call) {
    time.SleepUntil(time.Now() + std::chrono::duration_cast<WallTime::duration>(delay));
    delay *= backoff.factor;
    outcome = client.Post(api_path, json_body);
  }
  return outcome;
}

}  // namespace endpoint
