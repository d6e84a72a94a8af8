#include "endpoint/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <utility>

#include "absl/strings/str_cat.h"

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
//  - client-go util/cert/io.go CanReadCertAndKey ("certificate and key must be
//    supplied as a pair"), WriteCert (0644, dir 0755);
//    util/keyutil/key.go WriteKey (0600, dir 0755).
namespace endpoint {
namespace {

// client-go util/cert: "valid an hour earlier to avoid flakes due to clock
// skew" and "one year self-signed certs"; RSA 2048 for the CA and the leaf.
constexpr long kBackdateSeconds = 60 * 60;
constexpr long kValiditySeconds = 365L * 24 * 60 * 60;
constexpr int kRsaBits = 2048;

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

// Refuses to prompt on the terminal for a pass phrase: encrypted keys are an
// error, as they are for the kubelet.
int NoPassword(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

// Drains this thread's OpenSSL error queue into one line (a stale entry would
// otherwise confuse the next SSL call on this thread).
std::string DrainOpensslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

absl::Status OpensslFailure(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", DrainOpensslErrors()));
}

absl::Status ErrnoFailure(int err, const std::string& what) {
  return absl::ErrnoToStatus(err, what);
}

std::string Quoted(const std::string& s) { return absl::StrCat("\"", s, "\""); }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

absl::StatusOr<std::string> CertToPem(const X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpensslFailure("encoding a certificate as PEM");
  }
  return BioContents(bio.get());
}

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

enum class Presence { kReadable, kMissing, kUnreadable };

Presence Probe(const std::string& path, int* err) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return Presence::kReadable;
  }
  *err = errno;
  return *err == ENOENT ? Presence::kMissing : Presence::kUnreadable;
}

// mkdir -p, each directory it creates being 0700.
absl::Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cert directory ", Quoted(dir), " is not a directory"));
    }
    return absl::OkStatus();
  }
  if (errno != ENOENT) {
    return ErrnoFailure(errno, absl::StrCat("cert directory ", Quoted(dir)));
  }
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    absl::Status parent = MakeDirs(dir.substr(0, slash));
    if (!parent.ok()) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoFailure(errno,
                        absl::StrCat("creating cert directory ", Quoted(dir), " (mode 0700)"));
  }
  return absl::OkStatus();
}

// Writes `data` to a new temporary file beside `final_path`: created O_EXCL
// with mode 0600 (mkostemp), set to `mode`, written and synced. Returns its name.
absl::StatusOr<std::string> WriteTemp(const std::string& final_path, const std::string& data,
                                      mode_t mode) {
  std::string name = final_path + ".tmp-XXXXXX";
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return ErrnoFailure(errno, absl::StrCat("creating a temporary file for ", Quoted(final_path)));
  }
  int err = 0;
  if (fchmod(fd, mode) != 0) err = errno;
  size_t done = 0;
  while (err == 0 && done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno != EINTR) err = errno;
      continue;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    unlink(name.c_str());
    return ErrnoFailure(err, absl::StrCat("writing ", Quoted(name)));
  }
  return name;
}

// Gives the temporary file its final name, which must not exist yet.
absl::Status Publish(const std::string& temp, const std::string& final_path) {
  const int rc = link(temp.c_str(), final_path.c_str());
  const int err = errno;
  unlink(temp.c_str());
  if (rc != 0) {
    return ErrnoFailure(err, absl::StrCat("creating ", Quoted(final_path), " (not overwritten)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoFailure(errno, "cannot be read");
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return ErrnoFailure(err, "cannot be read");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

absl::Status FlagError(const absl::Status& s, const char* flag, const std::string& file) {
  return absl::Status(s.code(), absl::StrCat(flag, " ", Quoted(file), ": ", s.message()));
}

int AcceptAnyCertificate(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

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

absl::StatusOr<TlsFiles> EnsureSelfSignedPair(const std::string& cert_dir,
                                              const std::string& host_name) {
  if (cert_dir.empty()) {
    return absl::InvalidArgumentError("cert directory is empty");
  }
  TlsFiles files;
  // cmd/kubelet/app/server.go InitializeTLS: path.Join(kf.CertDirectory,
  // "kubelet.crt") and "kubelet.key".
  const std::string dir = cert_dir.size() > 1 && cert_dir.back() == '/'
                              ? cert_dir.substr(0, cert_dir.size() - 1)
                              : cert_dir;
  files.cert_file = dir + "/kubelet.crt";
  files.key_file = dir + "/kubelet.key";

  absl::Status s = MakeDirs(dir);
  if (!s.ok()) return s;

  int cert_err = 0;
  int key_err = 0;
  const Presence cert = Probe(files.cert_file, &cert_err);
  const Presence key = Probe(files.key_file, &key_err);
  if (cert == Presence::kUnreadable) {
    return ErrnoFailure(cert_err, absl::StrCat("reading ", Quoted(files.cert_file)));
  }
  if (key == Presence::kUnreadable) {
    return ErrnoFailure(key_err, absl::StrCat("reading ", Quoted(files.key_file)));
  }
  if (cert == Presence::kReadable && key == Presence::kReadable) {
    s = CheckKeyPair(files.cert_file, files.key_file);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("existing self-signed pair in ", Quoted(dir),
                                                 " is not usable (remove both files to have "
                                                 "a new pair made): ",
                                                 s.message()));
    }
    return files;
  }
  // client-go CanReadCertAndKey's wording.
  if (cert == Presence::kReadable || key == Presence::kReadable) {
    const std::string& missing = cert == Presence::kMissing ? files.cert_file : files.key_file;
    return absl::FailedPreconditionError(absl::StrCat(
        "error reading ", missing, ", certificate and key must be supplied as a pair"));
  }

  auto pair = GenerateSelfSignedCertKey(host_name, std::chrono::system_clock::now());
  if (!pair.ok()) {
    return absl::Status(pair.status().code(), absl::StrCat("unable to generate self signed cert: ",
                                                           pair.status().message()));
  }
  auto key_temp = WriteTemp(files.key_file, pair->key_pem, 0600);
  if (!key_temp.ok()) return key_temp.status();
  auto cert_temp = WriteTemp(files.cert_file, pair->cert_pem, 0644);
  if (!cert_temp.ok()) {
    unlink(key_temp->c_str());
    return cert_temp.status();
  }
  s = Publish(*key_temp, files.key_file);
  if (!s.ok()) {
    unlink(cert_temp->c_str());
    return s;
  }
  s = Publish(*cert_temp, files.cert_file);
  if (!s.ok()) {
    unlink(files.key_file.c_str());  // ours, a moment old: leave no half pair
    return s;
  }
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  files.generated = true;
  return files;
}

absl::Status CheckKeyPair(const std::string& cert_file, const std::string& key_file) {
  constexpr char kCertFlag[] = "--tls-cert-file";
  constexpr char kKeyFlag[] = "--tls-private-key-file";
  auto cert_pem = ReadWholeFile(cert_file);
  if (!cert_pem.ok()) return FlagError(cert_pem.status(), kCertFlag, cert_file);
  auto key_pem = ReadWholeFile(key_file);
  if (!key_pem.ok()) return FlagError(key_pem.status(), kKeyFlag, key_file);

  BioPtr cert_bio(BIO_new_mem_buf(cert_pem->data(), static_cast<int>(cert_pem->size())));
  X509Ptr leaf(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassword, nullptr)
                        : nullptr);
  if (!leaf) {
    ERR_clear_error();
    return FlagError(absl::InvalidArgumentError("no PEM certificate in it (expected a "
                                                "\"-----BEGIN CERTIFICATE-----\" block)"),
                     kCertFlag, cert_file);
  }
  BioPtr key_bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
  PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassword, nullptr)
                      : nullptr);
  if (!key) {
    ERR_clear_error();
    return FlagError(
        absl::InvalidArgumentError("no usable PEM private key in it (expected an "
                                   "unencrypted \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or "
                                   "\"EC PRIVATE KEY\" block)"),
        kKeyFlag, key_file);
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(kKeyFlag, " ", Quoted(key_file),
                     ": the private key does not match the first certificate "
                     "in ",
                     kCertFlag, " ", Quoted(cert_file)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PeerChainPem(const SSL* ssl) {
  std::vector<std::string> chain;
  if (ssl == nullptr) return chain;
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return chain;
  auto pem = CertToPem(leaf);
  if (!pem.ok()) return pem.status();
  chain.push_back(*std::move(pem));
  // Server side the stack lacks the leaf; client side it starts with it.
  STACK_OF(X509)* rest = SSL_get_peer_cert_chain(ssl);
  for (int i = 0; rest != nullptr && i < sk_X509_num(rest); ++i) {
    X509* cert = sk_X509_value(rest, i);
    if (X509_cmp(cert, leaf) == 0) continue;
    auto next = CertToPem(cert);
    if (!next.ok()) return next.status();
    chain.push_back(*std::move(next));
  }
  return chain;
}

bool PeerClosed(const SSL* ssl) {
  if (ssl == nullptr) return false;
  return PeerClosedFd(SSL_get_fd(ssl));
}

bool PeerClosedFd(int fd) {
  if (fd < 0) return false;
  struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
  int rc;
  do {
    rc = poll(&p, 1, 0);
  } while (rc < 0 && errno == EINTR);
  if (rc <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  if (p.revents & POLLIN) {
    char byte;
    const ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return true;
    }
  }
  return false;
}

void RequestClientCertificates(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  static constexpr unsigned char kSessionContext[] = "checkpoint-endpoint";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
}

namespace {

// The server side of our TLS: 1.2 and later, the serving pair, client
// certificates requested but not verified here (the authenticator does it).
bool ConfigureServerContext(SSL_CTX& ctx, const std::string& cert_file,
                            const std::string& key_file, std::string* error) {
  SSL_CTX_set_options(
      &ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_default_passwd_cb(&ctx, NoPassword);
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) {
    *error = "setting TLS 1.2 as the minimum: " + DrainOpensslErrors();
    return false;
  }
  if (SSL_CTX_use_certificate_chain_file(&ctx, cert_file.c_str()) != 1) {
    *error = absl::StrCat("--tls-cert-file ", Quoted(cert_file), ": ", DrainOpensslErrors());
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    *error = absl::StrCat("--tls-private-key-file ", Quoted(key_file), ": ", DrainOpensslErrors());
    return false;
  }
  RequestClientCertificates(&ctx);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<httplib::SSLServer>> MakeTlsServer(const std::string& cert_file,
                                                                  const std::string& key_file) {
  absl::Status s = CheckKeyPair(cert_file, key_file);
  if (!s.ok()) return s;
  std::string error;
  auto server = std::make_unique<httplib::SSLServer>(
      [&](SSL_CTX& ctx) { return ConfigureServerContext(ctx, cert_file, key_file, &error); });
  if (!server->is_valid()) {
    return absl::InvalidArgumentError(
        error.empty() ? "creating the TLS context: " + DrainOpensslErrors() : error);
  }
  return server;
}

absl::StatusOr<SslCtxPtr> MakeServerSslContext(const std::string& cert_file,
                                               const std::string& key_file) {
  absl::Status s = CheckKeyPair(cert_file, key_file);
  if (!s.ok()) return s;
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return absl::InternalError("creating the TLS context: " + DrainOpensslErrors());
  std::string error;
  if (!ConfigureServerContext(*ctx, cert_file, key_file, &error)) {
    return absl::InvalidArgumentError(error);
  }
  return ctx;
}

}  // namespace endpoint
