#ifndef FAKE_CRI_STREAMING_REQUEST_CACHE_H_
#define FAKE_CRI_STREAMING_REQUEST_CACHE_H_

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "fake-cri/clock.h"

namespace fakecri {

// What an Exec, Attach or PortForward call asked for, kept until its URL is used.
struct ExecStreamRequest {
  std::string container_id;  // as the request gave it (a prefix resolves later)
  std::vector<std::string> cmd;
  bool tty = false, stdin = false, stdout = false, stderr = false;
};
struct AttachStreamRequest {
  std::string container_id;
  bool tty = false, stdin = false, stdout = false, stderr = false;
};
struct PortForwardStreamRequest {
  std::string sandbox_id;
};
using StreamRequest =
    std::variant<ExecStreamRequest, AttachStreamRequest, PortForwardStreamRequest>;

// The streaming server's one-use tokens, as containerd's
// (pkg/cri/streaming/request_cache.go@v1.6.20): 8 characters of URL-safe
// base64 from crypto randomness, good for one minute and one use, at most
// 1000 in flight (then RESOURCE_EXHAUSTED "maximum number of in-flight
// requests exceeded"). Thread-safe.
class RequestCache {
 public:
  explicit RequestCache(Clock* clock) : clock_(clock) {}

  absl::StatusOr<std::string> Insert(StreamRequest request);
  // The request, once: a second use, an unknown or an expired token is nullopt.
  std::optional<StreamRequest> Consume(const std::string& token);

  static constexpr int64_t kTtlNs = 60'000'000'000;
  static constexpr size_t kMaxInFlight = 1000;
  static constexpr size_t kTokenLength = 8;

 private:
  struct Entry {
    std::string token;
    StreamRequest request;
    SteadyTime expires;
  };
  void CollectLocked();

  Clock* clock_;
  std::mutex mu_;
  std::list<Entry> entries_;  // newest first
  std::map<std::string, std::list<Entry>::iterator> tokens_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_REQUEST_CACHE_H_
