#ifndef ENDPOINT_TESTING_MOCKS_H_
#define ENDPOINT_TESTING_MOCKS_H_

#include <mutex>

#include "endpoint/auth/auth.h"
#include "endpoint/clock.h"
#include "endpoint/runtime_client.h"
#include "gmock/gmock.h"

namespace endpoint {

class MockRuntimeClient : public RuntimeClient {
 public:
  MOCK_METHOD((absl::StatusOr<std::optional<PodRef>>), FindPod,
              (const std::string& ns, const std::string& name), (override));
  MOCK_METHOD((absl::StatusOr<std::optional<ContainerRef>>), FindContainer,
              (const PodRef& pod, const std::string& name), (override));
  MOCK_METHOD(absl::Status, Checkpoint,
              (const std::string& container_id, const std::string& location,
               int64_t timeout_seconds, const std::function<bool()>& cancelled),
              (override));
};

class MockAuthenticator : public Authenticator {
 public:
  MOCK_METHOD(AuthnResult, Authenticate, (const AuthRequest& request), (override));
};

class MockAuthorizer : public Authorizer {
 public:
  MOCK_METHOD(AuthzDecision, Authorize, (const Attributes& attributes), (override));
};

// Wall time that moves only when told to, or when someone sleeps on it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime start) : now_(start) {}
  WallTime Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void SleepUntil(WallTime t) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++sleeps_;
    if (t > now_) now_ = t;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  int sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  WallTime now_;
  int sleeps_ = 0;
};

}  // namespace endpoint

#endif  // ENDPOINT_TESTING_MOCKS_H_
