#ifndef ENDPOINT_AUTH_TESTING_FAKE_API_SERVER_H_
#define ENDPOINT_AUTH_TESTING_FAKE_API_SERVER_H_

// Test-only: an HTTPS stand-in for the API server's review endpoints. It
// listens on 127.0.0.1, port chosen by the kernel, serves the given pair,
// optionally requires client certificates from a CA, records every request
// and answers each path from a programmed list of responses (the last one
// repeats; a path with none gets 404). Faults are configured, not triggered
// by magic values: program a 500, a Retry-After, a bad body.
//
// Starts in the constructor, stops and joins in the destructor. Aborts the
// test binary if it cannot start. Thread-safe.

#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "endpoint/auth/testing/tls_pairs.h"

namespace endpoint::testing {

struct FakeApiResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct RecordedApiRequest {
  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string client_common_name;              // "" without a client certificate
};

class FakeApiServer {
 public:
  struct Options {
    PemPair serving;
    std::string client_ca_pem;  // non-empty: require a client certificate it signed
  };

  explicit FakeApiServer(const Options& options);
  ~FakeApiServer();

  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  void SetResponses(const std::string& path, std::vector<FakeApiResponse> responses);
  std::vector<RecordedApiRequest> requests() const;

 private:
  void Handle(const httplib::Request& request, httplib::Response& response);

  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;

  mutable std::mutex mu_;
  std::map<std::string, std::vector<FakeApiResponse>> responses_;  // guarded by mu_
  std::map<std::string, size_t> answered_;                         // guarded by mu_
  std::vector<RecordedApiRequest> requests_;                       // guarded by mu_
};

// A loopback port nothing listens on (bound, read, closed): connecting to it
// is refused at once.
int UnusedLoopbackPort();

// A TCP listener on 127.0.0.1 that never accepts: connections complete in the
// kernel's backlog and then hear nothing, so a client waits for its timeout.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace endpoint::testing

#endif  // ENDPOINT_AUTH_TESTING_FAKE_API_SERVER_H_
