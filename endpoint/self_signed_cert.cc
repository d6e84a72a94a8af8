#include "endpoint/self_signed_cert.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <ctime>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "endpoint/openssl_util.h"

// Sources (kubernetes/kubernetes):
//  - cmd/kubelet/app/server.go InitializeTLS: without --tls-cert-file and
//    --tls-private-key-file, uses <cert-dir>/kubelet.crt and kubelet.key; if
//    certutil.CanReadCertAndKey says neither exists, writes
//    certutil.GenerateSelfSignedCertKey(hostName, nil, nil); MinVersion TLS 1.2
//    in older releases, --tls-min-version later.
//  - staging/src/k8s.io/client-go/util/cert/cert.go
//    GenerateSelfSignedCertKeyWithFixtures: validFrom now-1h, maxAge 365 days,
//    RSA 2048 CA (serial 1, CN "<host>-ca@<unix>", IsCA, KeyUsage
//    keyEncipherment|digitalSignature|certSign) signing the serving cert
//    (serial 2, CN "<host>@<unix>", ExtKeyUsage serverAuth, the host as IP or
//    DNS SAN); the .crt holds "cert, followed by ca"; the key is PKCS#1.
namespace endpoint {
namespace {

// client-go util/cert: "valid an hour earlier to avoid flakes due to clock
// skew" and "one year self-signed certs"; RSA 2048 for the CA and the leaf.
constexpr long kBackdateSeconds = 60 * 60;
constexpr long kValiditySeconds = 365L * 24 * 60 * 60;
constexpr int kRsaBits = 2048;

absl::StatusOr<std::string> KeyToPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // "traditional" is PKCS#1 ("RSA PRIVATE KEY"), what keyutil writes.
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                   nullptr) != 1) {
    return OpensslFailure("encoding a private key as PEM");
  }
  return BioContents(bio.get());
}

absl::Status AddConfExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return OpensslFailure(absl::StrCat("making extension ", OBJ_nid2sn(nid)));
  }
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) {
    return OpensslFailure(absl::StrCat("adding extension ", OBJ_nid2sn(nid)));
  }
  return absl::OkStatus();
}

// An X.509 v3 certificate with everything but extensions, issuer and signature.
absl::StatusOr<X509Ptr> NewCertificate(long serial, const std::string& cn, EVP_PKEY* key,
                                       time_t not_before) {
  X509Ptr cert(X509_new());
  if (!cert) return OpensslFailure("allocating a certificate");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  // UTF8String, as Go's encoding/asn1 picks for a CN with '@' in it (and no
  // 64-character cap, which OpenSSL's MBSTRING path would impose).
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) != 1 ||
      X509_NAME_add_entry_by_NID(subject, NID_commonName, V_ASN1_UTF8STRING,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_before + kValiditySeconds) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpensslFailure(absl::StrCat("filling certificate ", Quoted(cn)));
  }
  return cert;
}

// The SANs of the serving certificate: upstream's host entry, then ours.
absl::StatusOr<GeneralNamesPtr> ServingNames(const std::string& host) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return OpensslFailure("allocating subject alternative names");
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // raw 4 or 16 bytes
  auto add_ip = [&ips](const std::string& text) {
    unsigned char buf[16];
    std::string raw;
    if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
      raw.assign(reinterpret_cast<char*>(buf), 4);
    } else if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
      raw.assign(reinterpret_cast<char*>(buf), 16);
    } else {
      return false;
    }
    for (const auto& have : ips) {
      if (have == raw) return true;
    }
    ips.push_back(raw);
    return true;
  };
  if (!add_ip(host)) dns.push_back(host);
  if (host != "localhost") dns.push_back("localhost");
  add_ip("127.0.0.1");
  add_ip("::1");

  auto push = [&names](int type, const std::string& bytes) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_STRING* value = type == GEN_DNS ? ASN1_IA5STRING_new() : ASN1_OCTET_STRING_new();
    if (name == nullptr || value == nullptr ||
        ASN1_STRING_set(value, bytes.data(), static_cast<int>(bytes.size())) != 1) {
      GENERAL_NAME_free(name);
      ASN1_STRING_free(value);
      return false;
    }
    GENERAL_NAME_set0_value(name, type, value);
    if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
      GENERAL_NAME_free(name);
      return false;
    }
    return true;
  };
  // Go writes DNS names before IP addresses.
  for (const auto& d : dns) {
    if (!push(GEN_DNS, d)) return OpensslFailure("adding a DNS name");
  }
  for (const auto& ip : ips) {
    if (!push(GEN_IPADD, ip)) return OpensslFailure("adding an IP address");
  }
  return names;
}

}  // namespace

absl::StatusOr<PemCertKey> GenerateSelfSignedCertKey(const std::string& host_name,
                                                     std::chrono::system_clock::time_point now) {
  if (host_name.empty()) {
    return absl::InvalidArgumentError("host name for the certificate is empty");
  }
  for (unsigned char c : host_name) {
    // Go refuses SANs that are not IA5 (ASCII) strings.
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "host name ", Quoted(host_name), " cannot go in a certificate (printable ASCII only)"));
    }
  }
  const time_t unix_now = std::chrono::system_clock::to_time_t(now);
  const time_t not_before = unix_now - kBackdateSeconds;

  PkeyPtr ca_key(EVP_RSA_gen(kRsaBits));
  PkeyPtr key(EVP_RSA_gen(kRsaBits));
  if (!ca_key || !key) return OpensslFailure("generating RSA keys");

  auto ca = NewCertificate(1, absl::StrCat(host_name, "-ca@", unix_now), ca_key.get(), not_before);
  if (!ca.ok()) return ca.status();
  X509* ca_cert = ca->get();
  if (X509_set_issuer_name(ca_cert, X509_get_subject_name(ca_cert)) != 1) {
    return OpensslFailure("setting the CA's issuer");
  }
  // Extension order as Go's x509 writes them.
  for (auto [nid, value] : {
           std::pair<int, const char*>{NID_key_usage,
                                       "critical,digitalSignature,keyEncipherment,keyCertSign"},
           {NID_basic_constraints, "critical,CA:TRUE"},
           {NID_subject_key_identifier, "hash"},
       }) {
    absl::Status s = AddConfExtension(ca_cert, ca_cert, nid, value);
    if (!s.ok()) return s;
  }
  if (X509_sign(ca_cert, ca_key.get(), EVP_sha256()) <= 0) {
    return OpensslFailure("signing the CA certificate");
  }

  auto leaf = NewCertificate(2, absl::StrCat(host_name, "@", unix_now), key.get(), not_before);
  if (!leaf.ok()) return leaf.status();
  X509* leaf_cert = leaf->get();
  if (X509_set_issuer_name(leaf_cert, X509_get_subject_name(ca_cert)) != 1) {
    return OpensslFailure("setting the serving certificate's issuer");
  }
  for (auto [nid, value] : {
           std::pair<int, const char*>{NID_key_usage, "critical,digitalSignature,keyEncipherment"},
           {NID_ext_key_usage, "serverAuth"},
           {NID_basic_constraints, "critical,CA:FALSE"},
           {NID_authority_key_identifier, "keyid:always"},
       }) {
    absl::Status s = AddConfExtension(leaf_cert, ca_cert, nid, value);
    if (!s.ok()) return s;
  }
  auto names = ServingNames(host_name);
  if (!names.ok()) return names.status();
  if (X509_add1_ext_i2d(leaf_cert, NID_subject_alt_name, names->get(), 0, X509V3_ADD_DEFAULT) !=
      1) {
    return OpensslFailure("adding subject alternative names");
  }
  if (X509_sign(leaf_cert, ca_key.get(), EVP_sha256()) <= 0) {
    return OpensslFailure("signing the serving certificate");
  }

  // "Generate cert, followed by ca" (client-go).
  auto leaf_pem = CertToPem(leaf_cert);
  if (!leaf_pem.ok()) return leaf_pem.status();
  auto ca_pem = CertToPem(ca_cert);
  if (!ca_pem.ok()) return ca_pem.status();
  auto key_pem = KeyToPem(key.get());
  if (!key_pem.ok()) return key_pem.status();
  return PemCertKey{*leaf_pem + *ca_pem, *key_pem};
}

}  // namespace endpoint
