#include "endpoint/auth/api_server_client.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <utility>

// Debian's cpp-httplib is a compiled library built with OpenSSL on; its flags
// come from pkg-config (PkgConfig::HTTPLIB), never from a local #define.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "endpoint/auth/api_server_client.cc needs cpp-httplib's pkg-config compile flags"
#endif
#include <httplib.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {
namespace {

// client-go's CachedFileTokenSource period.
constexpr auto kTokenFileRefresh = std::chrono::minutes(1);

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string TakeOpenSslError() {
  unsigned long error = ERR_peek_last_error();
  std::string text = "unknown error";
  if (const char* reason = ERR_reason_error_string(error); reason != nullptr) text = reason;
  ERR_clear_error();
  return text;
}

bool IsIpAddress(const std::string& host) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// Every CERTIFICATE block of `pem`, in order (other blocks are skipped).
absl::StatusOr<std::vector<X509*>> ParseCertificates(const std::string& pem,
                                                     const std::string& origin) {
  std::vector<X509*> certs;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ERR_clear_error();
  while (bio != nullptr) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) {
      unsigned long error = ERR_peek_last_error();
      if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;
      }
      for (X509* c : certs) X509_free(c);
      return absl::InvalidArgumentError(absl::StrCat(origin, ": certificate ", certs.size() + 1,
                                                     ": invalid PEM: ", TakeOpenSslError()));
    }
    certs.push_back(cert);
  }
  if (certs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ": no PEM certificates found"));
  }
  return certs;
}

// The text of a failed verification, in Go's words where they are known.
std::string VerifyFailureText(int error, const std::string& name) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "x509: certificate signed by unknown authority";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "x509: certificate has expired or is not yet valid";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return absl::StrCat("x509: certificate is not valid for ", name);
    case X509_V_ERR_INVALID_PURPOSE:
      return "x509: certificate specifies an incompatible key usage";
    default:
      return absl::StrCat("x509: ", X509_verify_cert_error_string(error));
  }
}

// Where the verify callback leaves the first failure of one call's handshake:
// the SSL_CTX (one per call) carries a pointer to it.
struct VerifyFailure {
  std::string name;  // the name being checked, for the text
  std::string text;
};

int VerifyFailureIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int RecordVerifyFailure(int ok, X509_STORE_CTX* store_ctx) {
  if (ok == 1) return ok;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return ok;
  auto* failure =
      static_cast<VerifyFailure*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), VerifyFailureIndex()));
  if (failure != nullptr && failure->text.empty()) {
    failure->text = VerifyFailureText(X509_STORE_CTX_get_error(store_ctx), failure->name);
  }
  return ok;
}

std::string TransportErrorText(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect";
    case httplib::Error::ConnectionTimeout:
      return "timed out connecting";
    case httplib::Error::Read:
      return "timed out or lost the connection while reading the response";
    case httplib::Error::Write:
      return "timed out or lost the connection while sending the request";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "tls: failed to verify certificate";
    default:
      return absl::StrCat("request failed (", httplib::to_string(error), ")");
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiServerClient>> ApiServerClient::Create(
    const Kubeconfig& kubeconfig, const ApiServerClientOptions& options) {
  std::unique_ptr<ApiServerClient> client(new ApiServerClient(kubeconfig, options));
  if (!kubeconfig.ca_pem.empty()) {
    absl::StatusOr<std::vector<X509*>> certs =
        ParseCertificates(kubeconfig.ca_pem, kubeconfig.ca_origin);
    if (!certs.ok()) return certs.status();
    client->ca_store_ = X509_STORE_new();
    for (X509* cert : *certs) {
      if (client->ca_store_ != nullptr) X509_STORE_add_cert(client->ca_store_, cert);
      X509_free(cert);
    }
    if (client->ca_store_ == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat(kubeconfig.ca_origin, ": ", TakeOpenSslError()));
    }
  }
  if (!kubeconfig.client_cert_pem.empty()) {
    const std::string& origin = kubeconfig.client_cert_origin;
    absl::StatusOr<std::vector<X509*>> certs =
        ParseCertificates(kubeconfig.client_cert_pem, origin);
    if (!certs.ok()) return certs.status();
    client->client_cert_ = (*certs)[0];
    client->client_chain_.assign(certs->begin() + 1, certs->end());
    BioPtr bio(BIO_new_mem_buf(kubeconfig.client_key_pem.data(),
                               static_cast<int>(kubeconfig.client_key_pem.size())));
    ERR_clear_error();
    client->client_key_ =
        bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (client->client_key_ == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": no PEM private key found with it: ", TakeOpenSslError()));
    }
    if (X509_check_private_key(client->client_cert_, client->client_key_) != 1) {
      ERR_clear_error();
      // Go's tls.X509KeyPair wording.
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": tls: private key does not match public key"));
    }
  }
  return client;
}

ApiServerClient::ApiServerClient(const Kubeconfig& kubeconfig,
                                 const ApiServerClientOptions& options)
    : config_(kubeconfig), options_(options) {}

ApiServerClient::~ApiServerClient() {
  X509_STORE_free(ca_store_);
  X509_free(client_cert_);
  EVP_PKEY_free(client_key_);
  for (X509* cert : client_chain_) X509_free(cert);
}

std::string ApiServerClient::Url(const std::string& api_path) const {
  const bool ipv6 = config_.host.find(':') != std::string::npos;
  return absl::StrCat("https://", ipv6 ? "[" : "", config_.host, ipv6 ? "]" : "", ":", config_.port,
                      config_.base_path, api_path);
}

std::string ApiServerClient::BearerToken() {
  if (config_.token_file.empty()) return config_.token;
  const WallTime now = options_.clock != nullptr ? options_.clock->Now() : WallTime::clock::now();
  std::lock_guard<std::mutex> lock(token_mu_);
  if (!token_read_ || now - token_read_at_ >= kTokenFileRefresh || now < token_read_at_) {
    absl::StatusOr<std::string> contents = ReadConfigFile(config_.token_file, "token file");
    token_read_at_ = now;
    token_read_ = true;
    if (contents.ok()) file_token_ = std::string(absl::StripAsciiWhitespace(*contents));
  }
  return file_token_.empty() ? config_.token : file_token_;
}

absl::StatusOr<ApiResponse> ApiServerClient::Post(const std::string& api_path,
                                                  const std::string& json_body) {
  const std::string url = Url(api_path);
  auto failed = [&url](const std::string& problem) {
    return absl::UnavailableError(absl::StrCat("Post \"", url, "\": ", problem));
  };

  httplib::SSLClient client(config_.host, config_.port, client_cert_, client_key_);
  SSL_CTX* ctx = client.ssl_context();
  if (!client.is_valid() || ctx == nullptr) {
    return failed(absl::StrCat("cannot set up TLS: ", TakeOpenSslError()));
  }
  // Verification happens inside the handshake, with our own trust store (so
  // that, unlike cpp-httplib's own check, the system roots are not added to a
  // kubeconfig's CA) and Go's name rules.
  client.enable_server_certificate_verification(false);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  for (X509* cert : client_chain_) SSL_CTX_add1_chain_cert(ctx, cert);
  VerifyFailure failure;
  failure.name = config_.tls_server_name.empty() ? config_.host : config_.tls_server_name;
  if (config_.insecure_skip_tls_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    if (ca_store_ != nullptr) {
      SSL_CTX_set1_cert_store(ctx, ca_store_);
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return failed(absl::StrCat("cannot load the system's trusted roots: ", TakeOpenSslError()));
    }
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_hostflags(
        param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int named = IsIpAddress(failure.name)
                          ? X509_VERIFY_PARAM_set1_ip_asc(param, failure.name.c_str())
                          : X509_VERIFY_PARAM_set1_host(param, failure.name.c_str(), 0);
    if (named != 1) return failed(absl::StrCat("invalid server name \"", failure.name, "\""));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &RecordVerifyFailure);
  }
  SSL_CTX_set_ex_data(ctx, VerifyFailureIndex(), &failure);

  const auto timeout = options_.timeout;
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_keep_alive(false);
  client.set_follow_location(false);
  const std::string token = BearerToken();
  if (!token.empty()) client.set_bearer_token_auth(token);
  httplib::Headers headers = {
      {"Accept", "application/json, */*"},
      {"User-Agent", options_.user_agent},
  };
  httplib::Result result =
      client.Post(config_.base_path + api_path, headers, json_body, "application/json");
  SSL_CTX_set_ex_data(ctx, VerifyFailureIndex(), nullptr);
  ERR_clear_error();
  if (!result) {
    if (!failure.text.empty()) {
      return failed(absl::StrCat("tls: failed to verify certificate: ", failure.text));
    }
    return failed(TransportErrorText(result.error()));
  }
  ApiResponse response;
  response.status = result->status;
  response.body = std::move(result->body);
  response.retry_after = result->has_header("Retry-After");
  return response;
}

}  // namespace endpoint
