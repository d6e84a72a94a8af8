#ifndef ENDPOINT_OPENSSL_UTIL_H_
#define ENDPOINT_OPENSSL_UTIL_H_

// Small OpenSSL helpers the TLS files share: owning pointers, errors as
// statuses, PEM text. Thread-safe (OpenSSL's error queue is per thread).

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace endpoint {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesFree>;

// A pass-phrase callback that refuses to prompt on the terminal: encrypted
// keys are an error, as they are for the kubelet.
int NoPassword(char* buf, int size, int rwflag, void* u);

// Drains this thread's OpenSSL error queue into one line (a stale entry would
// otherwise confuse the next SSL call on this thread).
std::string DrainOpensslErrors();

// `what`: <the drained OpenSSL errors>, as INTERNAL.
absl::Status OpensslFailure(const std::string& what);

// "s" in double quotes, for file names in messages.
std::string Quoted(const std::string& s);

// What a memory BIO holds.
std::string BioContents(BIO* bio);

// A certificate as a PEM block.
absl::StatusOr<std::string> CertToPem(const X509* cert);

}  // namespace endpoint

#endif  // ENDPOINT_OPENSSL_UTIL_H_
