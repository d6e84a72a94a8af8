#include "endpoint/endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "endpoint/auth/always_allow.h"
#include "endpoint/auth/api_server_client.h"
#include "endpoint/auth/kubeconfig.h"
#include "endpoint/auth/policy_file.h"
#include "endpoint/auth/token_file.h"
#include "endpoint/auth/union.h"
#include "endpoint/auth/webhook_authenticator.h"
#include "endpoint/auth/webhook_authorizer.h"
#include "endpoint/auth/x509.h"
#include "endpoint/checkpoints_dir.h"
#include "endpoint/serving_pair.h"

namespace endpoint {

absl::StatusOr<std::unique_ptr<Endpoint>> Endpoint::Start(const Config& c, Clock* clock) {
  std::unique_ptr<Endpoint> e(new Endpoint());
  auto profile = FindKubeletProfile(c.kubelet_version);
  if (!profile.ok()) {
    return absl::InvalidArgumentError("--kubelet-version: " +
                                      std::string(profile.status().message()));
  }
  const bool gate = c.CheckpointGate(**profile);
  if (gate) {
    if (absl::Status s = PrepareCheckpointsDir(c.root_dir, c.tighten_checkpoints_dir); !s.ok()) {
      return s;
    }
  }
  e->metrics_.SetBuildInfo((*profile)->build);

  // One API server client for both webhooks.
  std::shared_ptr<ApiClient> api;
  if (c.authentication_token_webhook || c.authorization_mode == "Webhook") {
    auto kubeconfig = LoadKubeconfig(c.kubeconfig);
    if (!kubeconfig.ok()) return kubeconfig.status();
    ApiServerClientOptions ao;
    ao.clock = clock;
    auto client = ApiServerClient::Create(*kubeconfig, ao);
    if (!client.ok()) return client.status();
    api = std::shared_ptr<ApiClient>(std::move(*client));
  }

  // x509 first, then tokens, as the kubelet's delegating authenticator.
  std::vector<std::unique_ptr<Authenticator>> authenticators;
  if (!c.client_ca_file.empty()) {
    auto x509 = X509Authenticator::Create(c.client_ca_file);
    if (!x509.ok()) return x509.status();
    authenticators.push_back(std::move(*x509));
  }
  if (!c.token_auth_file.empty()) {
    auto tokens = TokenFileAuthenticator::Load(c.token_auth_file);
    if (!tokens.ok()) return tokens.status();
    authenticators.push_back(std::move(*tokens));
  }
  if (c.authentication_token_webhook) {
    WebhookAuthenticatorOptions wo;
    wo.cache_ttl = std::chrono::duration_cast<std::chrono::milliseconds>(
        c.authentication_token_webhook_cache_ttl);
    wo.clock = clock;
    authenticators.push_back(std::make_unique<WebhookTokenAuthenticator>(api, wo));
  }
  e->authn_ = std::make_unique<UnionAuthenticator>(std::move(authenticators), c.anonymous_auth);
  if (c.authorization_mode == "Policy") {
    auto policy = PolicyFileAuthorizer::Load(c.authorization_policy_file);
    if (!policy.ok()) return policy.status();
    e->authz_ = std::move(*policy);
  } else if (c.authorization_mode == "Webhook") {
    WebhookAuthorizerOptions wo;
    wo.cache_authorized_ttl = std::chrono::duration_cast<std::chrono::milliseconds>(
        c.authorization_webhook_cache_authorized_ttl);
    wo.cache_unauthorized_ttl = std::chrono::duration_cast<std::chrono::milliseconds>(
        c.authorization_webhook_cache_unauthorized_ttl);
    wo.clock = clock;
    e->authz_ = std::make_unique<WebhookAuthorizer>(api, wo);
  } else {
    e->authz_ = std::make_unique<AlwaysAllowAuthorizer>();
  }

  // TLS last of the start-up checks: a bad auth file should not cost (or
  // leave behind) a generated key pair.
  HttpServerOptions http;
  http.address = c.address;
  http.port = c.port;
  http.tls = !c.insecure_http;
  http.handshake_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(c.tls_handshake_timeout);
  http.head_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(c.request_head_timeout);
  http.max_unauthenticated = c.max_unauthenticated_connections;
  http.max_unauthenticated_per_client = c.max_unauthenticated_connections_per_client;
  http.max_connections = c.max_connections;
  if (http.tls) {
    TlsServerOptions& t = http.tls_options;
    if (c.tls_cert_file.empty()) {
      auto pair = EnsureSelfSignedPair(c.cert_dir, c.hostname_override);
      if (!pair.ok()) return pair.status();
      t.cert_file = pair->cert_file;
      t.key_file = pair->key_file;
    } else {
      if (absl::Status s = CheckKeyPair(c.tls_cert_file, c.tls_private_key_file); !s.ok()) return s;
      t.cert_file = c.tls_cert_file;
      t.key_file = c.tls_private_key_file;
    }
    t.cipher_suites = c.tls_cipher_suites;
    t.min_version = c.tls_min_version;
    e->cert_file_ = t.cert_file;
  }

  e->runtime_ =
      NewGrpcRuntimeClient(c.container_runtime_endpoint, c.runtime_request_timeout, &e->metrics_);
  e->namer_ = std::make_unique<ArchiveNamer>(c.CheckpointsDir(), clock, c.unique_archive_names);
  CheckpointHandlerOptions ho;
  ho.max_checkpoints_per_container = c.max_checkpoints_per_container;
  if (c.max_checkpoints_per_container > 0) {
    e->retention_ = std::make_unique<RetentionIndex>(c.RetentionIndexFile(), clock);
    ho.retention = e->retention_.get();
  }
  ho.recheck_checkpoints_dir = c.tighten_checkpoints_dir;
  e->handler_ = std::make_unique<CheckpointHandler>(e->runtime_.get(), e->namer_.get(), ho);
  RouterOptions ro;
  ro.profile = *profile;
  ro.checkpoint_gate = gate;
  ro.enable_debugging_handlers = c.enable_debugging_handlers;
  ro.node_name = c.hostname_override;
  e->router_ = std::make_unique<Router>(ro, e->authn_.get(), e->authz_.get(), e->handler_.get(),
                                        &e->metrics_);
  auto server = HttpServer::Start(http, e->router_.get(), &e->metrics_);
  if (!server.ok()) return server.status();
  e->server_ = std::move(*server);
  return e;
}

Endpoint::~Endpoint() {
  if (server_) server_->Shutdown(std::chrono::seconds(0));
}

}  // namespace endpoint
