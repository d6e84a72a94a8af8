#include "endpoint/auth/webhook_authenticator.h"

#include <openssl/sha.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "endpoint/auth/bearer_token.h"
#include "endpoint/auth/reviews.h"

namespace endpoint {
namespace {

// cached_token_authenticator.go's striped cache: 32 stripes of 128.
constexpr size_t kCacheCapacity = 4096;
constexpr char kReasonPrefix[] = "webhook token authenticator: ";

std::string CacheKey(const std::string& token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

// Text from the server may quote the token back; reasons must never hold it.
std::string Redact(const std::string& text, const std::string& token) {
  return absl::StrReplaceAll(text, {{token, "<token>"}});
}

AuthnResult Rejected(std::string reason) {
  AuthnResult result;
  result.kind = AuthnResult::Kind::kRejected;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

WebhookTokenAuthenticator::WebhookTokenAuthenticator(std::shared_ptr<ApiClient> client,
                                                     const WebhookAuthenticatorOptions& options)
    : client_(std::move(client)), options_(options), cache_(kCacheCapacity) {}

WallTime WebhookTokenAuthenticator::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : WallTime::clock::now();
}

AuthnResult WebhookTokenAuthenticator::Authenticate(const AuthRequest& request) {
  std::optional<std::string> token = BearerToken(request.headers);
  if (!token.has_value()) return AuthnResult{};  // kNoOpinion

  const bool use_cache = options_.cache_ttl.count() > 0;
  const std::string key = use_cache ? CacheKey(*token) : std::string();
  std::optional<Answer> answer = use_cache ? cache_.Get(key, Now()) : std::nullopt;
  if (!answer.has_value()) {
    absl::StatusOr<ApiResponse> response =
        PostWithBackoff(*client_, options_.clock, options_.backoff, kTokenReviewPath,
                        TokenReviewRequestJson(*token));
    if (!response.ok()) {
      return Rejected(Redact(absl::StrCat(kReasonPrefix, response.status().message()), *token));
    }
    if (response->status < 200 || response->status >= 300) {
      return Rejected(
          Redact(absl::StrCat(kReasonPrefix, DescribeErrorResponse(*response)), *token));
    }
    absl::StatusOr<TokenReviewStatus> status = ParseTokenReviewResponse(response->body);
    if (!status.ok()) {
      return Rejected(Redact(absl::StrCat(kReasonPrefix, status.status().message()), *token));
    }
    if (!status->authenticated && !status->error.empty()) {
      return Rejected(Redact(status->error, *token));  // an error: not cached
    }
    answer = Answer{status->authenticated, std::move(status->user)};
    if (use_cache) {
      cache_.Put(key, *answer,
                 Now() + std::chrono::duration_cast<WallTime::duration>(options_.cache_ttl));
    }
  }
  if (!answer->authenticated) return Rejected("invalid bearer token");
  AuthnResult result;
  result.kind = AuthnResult::Kind::kAuthenticated;
  result.user = answer->user;
  return result;
}

}  // namespace endpoint
