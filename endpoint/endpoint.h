#ifndef ENDPOINT_ENDPOINT_H_
#define ENDPOINT_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "endpoint/archive_namer.h"
#include "endpoint/auth/auth.h"
#include "endpoint/checkpoint_handler.h"
#include "endpoint/clock.h"
#include "endpoint/config.h"
#include "endpoint/http_server.h"
#include "endpoint/metrics.h"
#include "endpoint/retention.h"
#include "endpoint/router.h"
#include "endpoint/runtime_client.h"

namespace endpoint {

// The whole endpoint, wired from a Config and the kubelet version it names:
// the checkpoints directory (0700 when made; checkpoints_dir.h),
// TLS files (self-signed in --cert-dir when none are given), authenticators,
// authorizer, CRI client, namer, handler, router and HTTP server. main.cc and
// the tests build it the same way. Thread-safe; Shutdown once.
class Endpoint {
 public:
  static absl::StatusOr<std::unique_ptr<Endpoint>> Start(const Config& config, Clock* clock);
  ~Endpoint();

  int port() const { return server_->port(); }
  const std::string& cert_file() const { return cert_file_; }
  void Shutdown(std::chrono::nanoseconds grace) { server_->Shutdown(grace); }
  HttpServer::Stats http_stats() const { return server_->stats(); }

 private:
  Endpoint() = default;

  std::string cert_file_;
  Metrics metrics_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<Authorizer> authz_;
  std::unique_ptr<RuntimeClient> runtime_;
  std::unique_ptr<ArchiveNamer> namer_;
  std::unique_ptr<RetentionIndex> retention_;
  std::unique_ptr<CheckpointHandler> handler_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace endpoint

#endif  // ENDPOINT_ENDPOINT_H_
