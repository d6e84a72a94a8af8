#include "fake-cri/streaming/request_cache.h"

#include <openssl/rand.h>

namespace fakecri {
namespace {

// base64.RawURLEncoding of 6 random bytes: exactly 8 characters.
absl::StatusOr<std::string> RandomToken() {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char raw[6];
  if (RAND_bytes(raw, sizeof raw) != 1) return absl::InternalError("no randomness for a token");
  std::string out;
  for (int i = 0; i < 6; i += 3) {
    const uint32_t v = raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  return out;
}

}  // namespace

void RequestCache::CollectLocked() {
  const SteadyTime now = clock_->Now();
  while (!entries_.empty() && now > entries_.back().expires) {
    tokens_.erase(entries_.back().token);
    entries_.pop_back();
  }
}

absl::StatusOr<std::string> RequestCache::Insert(StreamRequest request) {
  std::lock_guard<std::mutex> lock(mu_);
  CollectLocked();
  if (entries_.size() >= kMaxInFlight) {
    // pkg/cri/streaming/errors.go@v1.6.20 NewErrorTooManyInFlight.
    return absl::ResourceExhaustedError("maximum number of in-flight requests exceeded");
  }
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto token = RandomToken();
    if (!token.ok()) return token.status();
    if (tokens_.count(*token)) continue;
    entries_.push_front({*token, std::move(request), clock_->Now() + Nanos(kTtlNs)});
    tokens_[*token] = entries_.begin();
    return *token;
  }
  return absl::UnknownError("failed to generate unique token");
}

std::optional<StreamRequest> RequestCache::Consume(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  Entry entry = std::move(*it->second);
  entries_.erase(it->second);
  tokens_.erase(it);
  if (clock_->Now() > entry.expires) return std::nullopt;
  return std::move(entry.request);
}

}  // namespace fakecri
