#ifndef ENDPOINT_AUTH_API_CLIENT_H_
#define ENDPOINT_AUTH_API_CLIENT_H_

// The seam between the webhook authenticator/authorizer and the API server:
// one JSON POST to an API path, answered by an HTTP response or a transport
// error. The real one is ApiServerClient (api_server_client.h); tests can put a
// fake behind the same interface.

#include <string>

#include "absl/status/statusor.h"

namespace endpoint {

struct ApiResponse {
  int status = 0;            // HTTP status code
  std::string body;          // as received
  bool retry_after = false;  // the response carried a Retry-After header
};

// Implementations are thread-safe.
class ApiClient {
 public:
  virtual ~ApiClient() = default;

  // POSTs `json_body` to `api_path` (e.g. "/apis/authentication.k8s.io/v1/
  // tokenreviews") with the client's credentials. Any HTTP response, 2xx or
  // not, is a value; an error means no response (connection, TLS, timeout).
  // Error texts never contain a credential.
  virtual absl::StatusOr<ApiResponse> Post(const std::string& api_path,
                                           const std::string& json_body) = 0;
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_API_CLIENT_H_
