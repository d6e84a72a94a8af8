#include "endpoint/auth/testing/tls_pairs.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace endpoint::testing {
namespace {

constexpr long kDay = 24 * 60 * 60;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "tls_pairs: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

std::shared_ptr<EVP_PKEY> NewKey() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  Check(key != nullptr, "EVP_PKEY_Q_keygen");
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(extension != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, extension, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(extension);
}

void AddName(X509_NAME* name, int nid, const std::string& value) {
  Check(X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) == 1,
        "X509_NAME_add_entry_by_NID");
}

// `issuer` null: self-signed CA.
std::shared_ptr<X509> Build(const std::string& common_name,
                            const std::vector<std::string>& organizations, EVP_PKEY* key,
                            X509* issuer, EVP_PKEY* issuer_key,
                            const std::string& extended_key_usage,
                            const std::string& subject_alt_names) {
  static std::atomic<long> serial{1};
  std::shared_ptr<X509> cert(X509_new(), X509_free);
  X509* x = cert.get();
  Check(x != nullptr, "X509_new");
  Check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1, "serial");
  const std::time_t now = std::time(nullptr);
  Check(ASN1_TIME_set(X509_getm_notBefore(x), now - kDay) != nullptr, "notBefore");
  Check(ASN1_TIME_set(X509_getm_notAfter(x), now + 365 * kDay) != nullptr, "notAfter");
  Check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  for (const std::string& organization : organizations)
    AddName(name, NID_organizationName, organization);
  AddName(name, NID_commonName, common_name);
  X509* signer = issuer != nullptr ? issuer : x;
  Check(X509_set_issuer_name(x, X509_get_subject_name(signer)) == 1, "X509_set_issuer_name");
  AddExtension(x, signer, NID_subject_key_identifier, "hash");
  if (issuer == nullptr) {
    AddExtension(x, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(x, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(x, signer, NID_key_usage, "critical,digitalSignature");
    AddExtension(x, signer, NID_ext_key_usage, extended_key_usage);
    AddExtension(x, signer, NID_authority_key_identifier, "keyid:always");
    if (!subject_alt_names.empty()) {
      AddExtension(x, signer, NID_subject_alt_name, subject_alt_names);
    }
  }
  Check(X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string ReadBio(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(length));
  BIO_free(bio);
  return text;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr && PEM_write_bio_X509(bio, cert) == 1, "PEM_write_bio_X509");
  return ReadBio(bio);
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr &&
            PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return ReadBio(bio);
}

}  // namespace

TlsTestCa::TlsTestCa(const std::string& common_name) : key_(NewKey()) {
  cert_ = Build(common_name, {}, key_.get(), nullptr, nullptr, "", "");
  ca_pem_ = CertPem(cert_.get());
}

PemPair TlsTestCa::Issue(const std::string& common_name,
                         const std::vector<std::string>& organizations,
                         const std::string& extended_key_usage,
                         const std::string& subject_alt_names) const {
  std::shared_ptr<EVP_PKEY> key = NewKey();
  std::shared_ptr<X509> cert = Build(common_name, organizations, key.get(), cert_.get(), key_.get(),
                                     extended_key_usage, subject_alt_names);
  return PemPair{CertPem(cert.get()), KeyPem(key.get())};
}

PemPair TlsTestCa::IssueServer(const std::string& common_name,
                               const std::string& subject_alt_names) const {
  return Issue(common_name, {}, "serverAuth", subject_alt_names);
}

PemPair TlsTestCa::IssueClient(const std::string& common_name,
                               const std::vector<std::string>& organizations) const {
  return Issue(common_name, organizations, "clientAuth", "");
}

}  // namespace endpoint::testing
