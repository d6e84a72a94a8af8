#ifndef CONFORMANCE_FRAMEWORK_HTTP_CLIENT_H_
#define CONFORMANCE_FRAMEWORK_HTTP_CLIENT_H_

// The suite's HTTP(S) client for an endpoint (cpp-httplib's client: the
// endpoint under test serves with its own code). One call per connection, as a
// fresh curl would; thread-safe (no shared state).

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "conformance/framework/target.h"

namespace conformance {

struct HttpResult {
  bool sent = false;  // false: no answer at all (see error)
  std::string error;  // transport error, when !sent
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::chrono::steady_clock::time_point started, finished;

  std::string Header(const std::string& lower_name) const;
  // `403 "Forbidden (...)"`, or `no answer: <error>`: for failure messages.
  std::string Describe() const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// `method` on `base_url` + `path_and_query` as `who`, with the target's TLS
// settings, within `timeout`, with `extra` headers. A POST carries
// Content-Length: 0. Redirects are not followed.
HttpResult SendRequest(const EndpointTarget& target, const std::string& base_url,
                       const std::string& method, const std::string& path_and_query,
                       const Credentials& who, std::chrono::milliseconds timeout,
                       const HttpHeaders& extra = {});

// Quotes a body for messages: printable ASCII as is, other bytes as \n, \xNN;
// long bodies cut at 300 bytes.
std::string Quote(const std::string& body);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_HTTP_CLIENT_H_
