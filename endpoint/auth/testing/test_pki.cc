#include "endpoint/auth/testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

namespace endpoint::testing {
namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "test_pki: %s failed\n", what);
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

// Builds and signs a certificate; `issuer`/`issuer_key` null: self-signed.
std::shared_ptr<X509> Build(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                            EVP_PKEY* issuer_key) {
  std::shared_ptr<X509> cert(X509_new(), X509_free);
  X509* x = cert.get();
  Check(x != nullptr, "X509_new");
  Check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial) == 1, "ASN1_INTEGER_set");
  Check(ASN1_TIME_set(X509_getm_notBefore(x), spec.not_before) != nullptr, "notBefore");
  Check(ASN1_TIME_set(X509_getm_notAfter(x), spec.not_after) != nullptr, "notAfter");
  Check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(x);
  for (const std::string& organization : spec.organizations) {
    Check(X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(organization.c_str()),
                                     -1, -1, 0) == 1,
          "add O");
  }
  if (!spec.common_name.empty()) {
    Check(X509_NAME_add_entry_by_NID(
              name, NID_commonName, MBSTRING_UTF8,
              reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0) == 1,
          "add CN");
  }
  X509* signer = issuer != nullptr ? issuer : x;
  Check(X509_set_issuer_name(x, X509_get_subject_name(signer)) == 1, "X509_set_issuer_name");

  AddExtension(x, signer, NID_subject_key_identifier, "hash");
  if (spec.is_ca) {
    AddExtension(x, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(x, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(x, signer, NID_key_usage, "critical,digitalSignature");
    if (!spec.extended_key_usage.empty()) {
      AddExtension(x, signer, NID_ext_key_usage, spec.extended_key_usage);
    }
    if (!spec.subject_alt_names.empty()) {
      AddExtension(x, signer, NID_subject_alt_name, spec.subject_alt_names);
    }
  }
  if (issuer != nullptr) {
    AddExtension(x, signer, NID_authority_key_identifier, "keyid:always");
  }
  Check(X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

}  // namespace

TestCert::TestCert(std::shared_ptr<EVP_PKEY> key, std::shared_ptr<X509> cert)
    : key_(std::move(key)), cert_(std::move(cert)) {}

TestCert TestCert::SelfSignedCa(const CertSpec& spec) {
  CertSpec ca = spec;
  ca.is_ca = true;
  std::shared_ptr<EVP_PKEY> key = NewKey();
  std::shared_ptr<X509> cert = Build(ca, key.get(), nullptr, nullptr);
  return TestCert(key, cert);
}

TestCert TestCert::Issue(const CertSpec& spec) const {
  std::shared_ptr<EVP_PKEY> key = NewKey();
  std::shared_ptr<X509> cert = Build(spec, key.get(), cert_.get(), key_.get());
  return TestCert(key, cert);
}

namespace {
std::string ReadBio(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(length));
  BIO_free(bio);
  return text;
}
}  // namespace

std::string TestCert::Pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr, "BIO_new");
  Check(PEM_write_bio_X509(bio, cert_.get()) == 1, "PEM_write_bio_X509");
  return ReadBio(bio);
}

std::string TestCert::KeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(bio != nullptr &&
            PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return ReadBio(bio);
}

std::time_t UtcDate(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return timegm(&tm);
}

}  // namespace endpoint::testing
