#ifndef ENDPOINT_TESTING_MOCKS_H_
#define ENDPOINT_TESTING_MOCKS_H_

#include "endpoint/auth/auth.h"
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

}  // namespace endpoint

#endif  // ENDPOINT_TESTING_MOCKS_H_
