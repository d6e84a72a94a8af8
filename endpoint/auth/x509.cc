#include "endpoint/auth/x509.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "endpoint/auth/read_file.h"

namespace endpoint {
namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, StoreCtxFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

// The newest OpenSSL error's reason; empties this thread's error queue, so that
// a stale error never confuses the TLS calls that follow on this thread.
std::string TakeOpenSslError() {
  unsigned long error = ERR_peek_last_error();
  std::string text = "unknown error";
  if (const char* reason = ERR_reason_error_string(error); reason != nullptr) {
    text = reason;
  } else if (error != 0) {
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof buffer);
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

X509Ptr ParsePemCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string Utf8(const ASN1_STRING* value) {
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) {
    ERR_clear_error();
    return "";
  }
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

// Every value of `nid` in `name`, in order.
std::vector<std::string> NameValues(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    values.push_back(Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
  }
  return values;
}

// Go's columnSeparatedHex: upper-case hex bytes joined by ':'.
std::string ColumnSeparatedHex(const ASN1_OCTET_STRING* bytes) {
  if (bytes == nullptr) return "";
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text;
  const unsigned char* data = ASN1_STRING_get0_data(bytes);
  for (int i = 0; i < ASN1_STRING_length(bytes); ++i) {
    if (i > 0) text.push_back(':');
    text.push_back(kDigits[data[i] >> 4]);
    text.push_back(kDigits[data[i] & 0xF]);
  }
  return text;
}

std::string DecimalSerial(const X509* cert) {
  BIGNUM* number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (number == nullptr) {
    ERR_clear_error();
    return "?";
  }
  char* decimal = BN_bn2dec(number);
  std::string text = decimal != nullptr ? decimal : "?";
  OPENSSL_free(decimal);
  BN_free(number);
  return text;
}

// The apiserver's certificateIdentifier, for logs.
std::string CertificateIdentifier(X509* cert) {
  return absl::StrCat("SN=", DecimalSerial(cert),
                      ", SKID=", ColumnSeparatedHex(X509_get0_subject_key_id(cert)),
                      ", AKID=", ColumnSeparatedHex(X509_get0_authority_key_id(cert)));
}

std::string Rfc3339(const std::tm& tm) {
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Rfc3339(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    ERR_clear_error();
    return "?";
  }
  return Rfc3339(tm);
}

std::string Rfc3339(std::time_t time) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  return Rfc3339(tm);
}

// Go's crypto/x509 texts for the failures a client certificate usually has.
std::string VerifyErrorText(X509_STORE_CTX* ctx, std::time_t now) {
  int error = X509_STORE_CTX_get_error(ctx);
  const X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "x509: certificate signed by unknown authority";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return absl::StrCat("x509: certificate has expired or is not yet valid: current time ",
                          Rfc3339(now), " is after ",
                          Rfc3339(cert != nullptr ? X509_get0_notAfter(cert) : nullptr));
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return absl::StrCat("x509: certificate has expired or is not yet valid: current time ",
                          Rfc3339(now), " is before ",
                          Rfc3339(cert != nullptr ? X509_get0_notBefore(cert) : nullptr));
    case X509_V_ERR_INVALID_PURPOSE:
      return "x509: certificate specifies an incompatible key usage";
    case X509_V_ERR_INVALID_CA:
      return "x509: certificate is not authorized to sign other certificates";
    default:
      return absl::StrCat("x509: ", X509_verify_cert_error_string(error));
  }
}

AuthnResult Rejected(std::string reason) {
  AuthnResult result;
  result.kind = AuthnResult::Kind::kRejected;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<X509Authenticator>> X509Authenticator::Create(
    const std::string& client_ca_file, Clock* clock) {
  absl::StatusOr<std::string> pem = ReadConfigFile(client_ca_file, "client CA file");
  if (!pem.ok()) return pem.status();
  return FromPem(*pem, client_ca_file, clock);
}

absl::StatusOr<std::unique_ptr<X509Authenticator>> X509Authenticator::FromPem(
    const std::string& pem, const std::string& source_name, Clock* clock) {
  const std::string prefix = absl::StrCat("client CA file ", source_name, ": ");
  StorePtr store(X509_STORE_new());
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (store == nullptr || bio == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(prefix, TakeOpenSslError()));
  }
  ERR_clear_error();
  int count = 0;
  while (true) {
    // Blocks other than CERTIFICATE (a key, say) are skipped, as Go does.
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) {
      unsigned long error = ERR_peek_last_error();
      if (ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // no more PEM blocks
        break;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, "certificate ", count + 1, ": invalid PEM certificate: ", TakeOpenSslError()));
    }
    ++count;
    // Fills the certificate's cached extension data now, while one thread
    // owns it, rather than lazily during concurrent verifications.
    X509_check_purpose(cert.get(), -1, 0);
    if (X509_STORE_add_cert(store.get(), cert.get()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, "certificate ", count, ": cannot be added: ", TakeOpenSslError()));
    }
  }
  if (count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "no PEM certificates found"));
  }
  return std::unique_ptr<X509Authenticator>(new X509Authenticator(store.release(), clock));
}

X509Authenticator::X509Authenticator(X509_STORE* store, Clock* clock)
    : store_(store), clock_(clock) {}

X509Authenticator::~X509Authenticator() { X509_STORE_free(store_); }

AuthnResult X509Authenticator::Authenticate(const AuthRequest& request) {
  if (request.peer_chain.empty()) return AuthnResult{};  // kNoOpinion

  X509Ptr leaf = ParsePemCertificate(request.peer_chain[0]);
  if (leaf == nullptr) {
    return Rejected(
        absl::StrCat("x509: cannot parse the client certificate: ", TakeOpenSslError()));
  }
  X509StackPtr intermediates(sk_X509_new_null());
  for (size_t i = 1; i < request.peer_chain.size(); ++i) {
    X509Ptr cert = ParsePemCertificate(request.peer_chain[i]);
    if (cert == nullptr) {
      return Rejected(
          absl::StrCat("x509: cannot parse chain certificate ", i, ": ", TakeOpenSslError()));
    }
    if (sk_X509_push(intermediates.get(), cert.get()) <= 0) {
      return Rejected(absl::StrCat("x509: ", TakeOpenSslError()));
    }
    cert.release();  // now owned by the stack
  }

  const std::time_t now = std::chrono::system_clock::to_time_t(
      clock_ != nullptr ? clock_->Now() : std::chrono::system_clock::now());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store_, leaf.get(), intermediates.get()) != 1 ||
      X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT) != 1) {
    return Rejected(absl::StrCat("x509: cannot set up verification: ", TakeOpenSslError()));
  }
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_PARTIAL_CHAIN);
  X509_STORE_CTX_set_time(ctx.get(), 0, now);
  const bool verified = X509_verify_cert(ctx.get()) == 1;
  std::string problem = verified ? "" : VerifyErrorText(ctx.get(), now);
  ERR_clear_error();
  if (!verified) {
    return Rejected(absl::StrCat("verifying certificate ", CertificateIdentifier(leaf.get()),
                                 " failed: ", problem));
  }

  const X509_NAME* subject = X509_get_subject_name(leaf.get());
  std::vector<std::string> common_names = NameValues(subject, NID_commonName);
  AuthnResult result;
  if (common_names.empty() || common_names.back().empty()) {
    result.kind = AuthnResult::Kind::kNoOpinion;
    result.reason = "x509: verified client certificate has no common name";
    return result;
  }
  result.kind = AuthnResult::Kind::kAuthenticated;
  result.user.name = common_names.back();
  result.user.groups = NameValues(subject, NID_organizationName);
  return result;
}

}  // namespace endpoint
