#include "endpoint/tls_server_context.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "endpoint/openssl_util.h"
#include "endpoint/serving_pair.h"

namespace endpoint {
namespace {

// Go's cipher suite names (crypto/tls CipherSuites() and
// InsecureCipherSuites(), plus the two legacy ChaCha20 names component-base
// keeps) and OpenSSL's name for each. "" marks the TLS 1.3 suites, which
// neither Go nor we configure.
struct Suite {
  const char* go;
  const char* openssl;
};
constexpr Suite kSuites[] = {
    {"TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"},
    {"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_AES_128_GCM_SHA256", ""},
    {"TLS_AES_256_GCM_SHA384", ""},
    {"TLS_CHACHA20_POLY1305_SHA256", ""},
};

int AcceptAnyCertificate(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

}  // namespace

const std::vector<std::string>& GoDefaultCipherSuites() {
  // crypto/tls defaults.go defaultCipherSuites(aesGCMPreferred=true): the
  // preference order (cipher_suites.go cipherSuitesPreferenceOrder) without
  // disabledCipherSuites (CBC-SHA256, RC4), rsaKexCiphers and tdesCiphers.
  static const std::vector<std::string> kDefaults = {
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  };
  return kDefaults;
}

absl::StatusOr<int> ParseTlsMinVersion(const std::string& name) {
  if (name.empty() || name == "VersionTLS12") return TLS1_2_VERSION;
  if (name == "VersionTLS10") return TLS1_VERSION;
  if (name == "VersionTLS11") return TLS1_1_VERSION;
  if (name == "VersionTLS13") return TLS1_3_VERSION;
  return absl::InvalidArgumentError(absl::StrCat("unknown tls version \"", name, "\""));
}

absl::StatusOr<std::string> OpensslCipherList(const std::vector<std::string>& go_names) {
  const std::vector<std::string>& names = go_names.empty() ? GoDefaultCipherSuites() : go_names;
  std::vector<std::string> list;
  for (const std::string& name : names) {
    const Suite* found = nullptr;
    for (const Suite& s : kSuites) {
      if (name == s.go) found = &s;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cipher suite ", name, " not supported or doesn't exist"));
    }
    if (*found->openssl != '\0') list.push_back(found->openssl);
  }
  return absl::StrJoin(list, ":");
}

void RequestClientCertificates(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  static constexpr unsigned char kSessionContext[] = "checkpoint-endpoint";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
}

absl::StatusOr<SslCtxPtr> MakeServerSslContext(const TlsServerOptions& o) {
  if (absl::Status s = CheckKeyPair(o.cert_file, o.key_file); !s.ok()) return s;
  auto min_version = ParseTlsMinVersion(o.min_version);
  if (!min_version.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-min-version: ", min_version.status().message()));
  }
  auto ciphers = OpensslCipherList(o.cipher_suites);
  if (!ciphers.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cipher-suites: ", ciphers.status().message()));
  }
  // InitializeTLS: "minimum tls version VersionTLS13 cannot be used with tls
  // cipher suites" (they would have no effect).
  if (*min_version == TLS1_3_VERSION && !o.cipher_suites.empty()) {
    return absl::InvalidArgumentError(
        "--tls-min-version=VersionTLS13 cannot be used with --tls-cipher-suites");
  }
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return absl::InternalError("creating the TLS context: " + DrainOpensslErrors());
  SSL_CTX_set_options(
      ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_default_passwd_cb(ctx.get(), NoPassword);
  if (SSL_CTX_set_min_proto_version(ctx.get(), *min_version) != 1) {
    return absl::InvalidArgumentError("--tls-min-version: " + DrainOpensslErrors());
  }
  if (!ciphers->empty() && SSL_CTX_set_cipher_list(ctx.get(), ciphers->c_str()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls-cipher-suites: none of them is available in this OpenSSL: ", DrainOpensslErrors()));
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), o.cert_file.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-cert-file ", Quoted(o.cert_file), ": ", DrainOpensslErrors()));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls-private-key-file ", Quoted(o.key_file), ": ", DrainOpensslErrors()));
  }
  RequestClientCertificates(ctx.get());
  return ctx;
}

}  // namespace endpoint
