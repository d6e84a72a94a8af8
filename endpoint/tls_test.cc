#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "endpoint/self_signed_cert.h"
#include "endpoint/serving_pair.h"
#include "endpoint/tls_peer.h"
#include "endpoint/tls_server_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

constexpr auto kDeadline = std::chrono::seconds(10);

using ::kit::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::vector<X509Ptr> ParseCerts(const std::string& pem) {
  std::vector<X509Ptr> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    out.emplace_back(cert);
  }
  ERR_clear_error();
  BIO_free(bio);
  return out;
}

std::string CommonName(const X509* cert) {
  char buf[512] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

std::vector<std::string> SubjectAltNames(const X509* cert) {
  std::vector<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* s = name->d.dNSName;
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         ASN1_STRING_length(s)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {0};
      inet_ntop(ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text,
                sizeof text);
      out.push_back(std::string("IP:") + text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

time_t ToUnix(const ASN1_TIME* t) {
  struct tm tm = {};
  ASN1_TIME_to_tm(t, &tm);
  return timegm(&tm);
}

// One pair per host, generated once for the whole binary (RSA keys are slow).
const PemCertKey& SharedPair(const std::string& host) {
  static std::mutex mu;
  static std::map<std::string, PemCertKey> pairs;
  std::lock_guard<std::mutex> lock(mu);
  auto it = pairs.find(host);
  if (it == pairs.end()) {
    auto pair = GenerateSelfSignedCertKey(host, std::chrono::system_clock::now());
    EXPECT_TRUE(pair.ok()) << pair.status();
    it = pairs.emplace(host, pair.ok() ? *pair : PemCertKey{}).first;
  }
  return it->second;
}

// The pair for `host` written into `dir` as <name>.crt / <name>.key.
TlsFiles WritePair(const std::string& dir, const std::string& name, const PemCertKey& pair) {
  TlsFiles files{dir + "/" + name + ".crt", dir + "/" + name + ".key", false};
  WriteFile(files.cert_file, pair.cert_pem);
  WriteFile(files.key_file, pair.key_pem);
  return files;
}

// --- EnsureSelfSignedPair ---------------------------------------------------

TEST(EnsureSelfSignedPair, WritesKubeletCrtAndKeyWithUpstreamModes) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/var/lib/kubelet/pki";
  auto files = EnsureSelfSignedPair(dir, "node-1");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_TRUE(files->generated);
  EXPECT_EQ(files->cert_file, dir + "/kubelet.crt");
  EXPECT_EQ(files->key_file, dir + "/kubelet.key");
  EXPECT_EQ(ModeOf(dir), 0700u);
  EXPECT_EQ(ModeOf(files->cert_file), 0644u);
  EXPECT_EQ(ModeOf(files->key_file), 0600u);
  EXPECT_TRUE(CheckKeyPair(files->cert_file, files->key_file).ok());
  // No temporary file is left behind.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ElementsAre("kubelet.crt", "kubelet.key"));
  EXPECT_THAT(ReadFile(files->key_file), StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
  EXPECT_THAT(ParseCerts(ReadFile(files->cert_file)), SizeIs(2));
}

TEST(EnsureSelfSignedPair, ReusesAnExistingPairUnchanged) {
  TempDir tmp;
  auto first = EnsureSelfSignedPair(tmp.path(), "node-1");
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string cert = ReadFile(first->cert_file);
  const std::string key = ReadFile(first->key_file);
  auto second = EnsureSelfSignedPair(tmp.path() + "/", "other-name");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->generated);
  EXPECT_EQ(second->cert_file, first->cert_file);
  EXPECT_EQ(ReadFile(second->cert_file), cert);
  EXPECT_EQ(ReadFile(second->key_file), key);
}

TEST(EnsureSelfSignedPair, RefusesHalfAPairLikeClientGo) {
  TempDir tmp;
  WriteFile(tmp.path() + "/kubelet.key", SharedPair("node-1").key_pem);
  auto files = EnsureSelfSignedPair(tmp.path(), "node-1");
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr("error reading " + tmp.path() +
                        "/kubelet.crt, certificate and key must be supplied "
                        "as a pair"));
  EXPECT_EQ(ReadFile(tmp.path() + "/kubelet.key"), SharedPair("node-1").key_pem);
  EXPECT_FALSE(fs::exists(tmp.path() + "/kubelet.crt"));
}

TEST(EnsureSelfSignedPair, RefusesAnUnusablePairRatherThanOverwritingIt) {
  TempDir tmp;
  WriteFile(tmp.path() + "/kubelet.crt", "garbage");
  WriteFile(tmp.path() + "/kubelet.key", "more garbage");
  auto files = EnsureSelfSignedPair(tmp.path(), "node-1");
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr("--tls-cert-file \"" + tmp.path() + "/kubelet.crt\""));
  EXPECT_EQ(ReadFile(tmp.path() + "/kubelet.crt"), "garbage");
}

TEST(EnsureSelfSignedPair, NamesACertDirThatIsNotADirectory) {
  TempDir tmp;
  const std::string not_dir = tmp.path() + "/file";
  WriteFile(not_dir, "x");
  auto files = EnsureSelfSignedPair(not_dir, "node-1");
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr(not_dir));
  EXPECT_THAT(files.status().message(), HasSubstr("is not a directory"));
}

// --- GenerateSelfSignedCertKey ----------------------------------------------

TEST(GenerateSelfSignedCertKey, MakesACaSignedServingCertLikeClientGo) {
  const auto now = std::chrono::system_clock::from_time_t(1700000000);
  auto pair = GenerateSelfSignedCertKey("node-1", now);
  ASSERT_TRUE(pair.ok()) << pair.status();
  std::vector<X509Ptr> certs = ParseCerts(pair->cert_pem);
  ASSERT_THAT(certs, SizeIs(2));  // serving certificate, then its CA
  X509* leaf = certs[0].get();
  X509* ca = certs[1].get();
  EXPECT_EQ(CommonName(leaf), "node-1@1700000000");
  EXPECT_EQ(CommonName(ca), "node-1-ca@1700000000");
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(ca)), 1);
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(leaf)), 2);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(leaf), X509_get_subject_name(ca)), 0);
  EXPECT_EQ(X509_verify(leaf, X509_get0_pubkey(ca)), 1);
  EXPECT_EQ(X509_verify(ca, X509_get0_pubkey(ca)), 1);
  EXPECT_GE(X509_check_ca(ca), 1);
  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_TRUE(X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 2048);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(ca)), 2048);
  for (X509* cert : {leaf, ca}) {
    EXPECT_EQ(ToUnix(X509_get0_notBefore(cert)), 1700000000 - 3600);
    EXPECT_EQ(ToUnix(X509_get0_notAfter(cert)), 1700000000 - 3600 + 365L * 24 * 3600);
  }
  EXPECT_THAT(SubjectAltNames(leaf),
              ElementsAre("DNS:node-1", "DNS:localhost", "IP:127.0.0.1", "IP:::1"));
  EXPECT_THAT(pair->key_pem, StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
}

TEST(GenerateSelfSignedCertKey, PutsAnIpHostInAnIpSanWithoutDuplicates) {
  const auto now = std::chrono::system_clock::now();
  auto ip = GenerateSelfSignedCertKey("10.1.2.3", now);
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_THAT(SubjectAltNames(ParseCerts(ip->cert_pem)[0].get()),
              ElementsAre("DNS:localhost", "IP:10.1.2.3", "IP:127.0.0.1", "IP:::1"));
  auto local = GenerateSelfSignedCertKey("localhost", now);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_THAT(SubjectAltNames(ParseCerts(local->cert_pem)[0].get()),
              ElementsAre("DNS:localhost", "IP:127.0.0.1", "IP:::1"));
}

TEST(GenerateSelfSignedCertKey, RejectsHostNamesACertificateCannotHold) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(GenerateSelfSignedCertKey("", now).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GenerateSelfSignedCertKey("n\xc3\xb6"
                                      "de",
                                      now)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// --- CheckKeyPair -----------------------------------------------------------

TEST(CheckKeyPair, AcceptsAMatchingPair) {
  TempDir tmp;
  TlsFiles files = WritePair(tmp.path(), "a", SharedPair("node-a"));
  EXPECT_TRUE(CheckKeyPair(files.cert_file, files.key_file).ok());
}

TEST(CheckKeyPair, NamesTheKeyFlagWhenTheKeyDoesNotMatch) {
  TempDir tmp;
  TlsFiles a = WritePair(tmp.path(), "a", SharedPair("node-a"));
  TlsFiles b = WritePair(tmp.path(), "b", SharedPair("node-b"));
  absl::Status s = CheckKeyPair(a.cert_file, b.key_file);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--tls-private-key-file \"" + b.key_file +
                                     "\": the private key does not match"));
  EXPECT_THAT(s.message(), HasSubstr("--tls-cert-file \"" + a.cert_file));
}

TEST(CheckKeyPair, SaysWhichFileIsNotPem) {
  TempDir tmp;
  TlsFiles good = WritePair(tmp.path(), "a", SharedPair("node-a"));
  const std::string garbage = tmp.path() + "/garbage";
  WriteFile(garbage, "this is not PEM\n");

  absl::Status cert = CheckKeyPair(garbage, good.key_file);
  EXPECT_EQ(cert.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(cert.message(), HasSubstr("--tls-cert-file \"" + garbage + "\""));
  EXPECT_THAT(cert.message(), HasSubstr("no PEM certificate"));

  absl::Status key = CheckKeyPair(good.cert_file, garbage);
  EXPECT_EQ(key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(key.message(), HasSubstr("--tls-private-key-file \"" + garbage + "\""));
  EXPECT_THAT(key.message(), HasSubstr("no usable PEM private key"));

  // A certificate where the key should be is "no private key", not a crash.
  absl::Status swapped = CheckKeyPair(good.cert_file, good.cert_file);
  EXPECT_THAT(swapped.message(), HasSubstr("--tls-private-key-file"));
}

TEST(CheckKeyPair, SaysWhichFileCannotBeRead) {
  TempDir tmp;
  TlsFiles good = WritePair(tmp.path(), "a", SharedPair("node-a"));
  const std::string missing = tmp.path() + "/missing.crt";
  absl::Status s = CheckKeyPair(missing, good.key_file);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("--tls-cert-file \"" + missing + "\": cannot be read"));
  s = CheckKeyPair(good.cert_file, tmp.path() + "/missing.key");
  EXPECT_THAT(s.message(), HasSubstr("--tls-private-key-file"));
}

// --- MakeServerSslContext and connections -----------------------------------

TlsServerOptions Options(const TlsFiles& files) {
  TlsServerOptions o;
  o.cert_file = files.cert_file;
  o.key_file = files.key_file;
  return o;
}

TEST(MakeServerSslContext, RejectsABadPairWithTheFlagName) {
  TempDir tmp;
  TlsFiles a = WritePair(tmp.path(), "a", SharedPair("node-a"));
  TlsFiles b = WritePair(tmp.path(), "b", SharedPair("node-b"));
  TlsServerOptions o = Options(a);
  o.key_file = b.key_file;
  auto ctx = MakeServerSslContext(o);
  ASSERT_FALSE(ctx.ok());
  EXPECT_THAT(ctx.status().message(), HasSubstr("--tls-private-key-file"));
}

TEST(MakeServerSslContext, RequiresTls12AndRequestsButDoesNotRequireClientCerts) {
  TempDir tmp;
  auto ctx = MakeServerSslContext(Options(WritePair(tmp.path(), "a", SharedPair("node-a"))));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx->get()), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(ctx->get()), SSL_SESS_CACHE_OFF);
}

TEST(TlsFlags, TakeTheKubeletsNamesAndWords) {
  EXPECT_EQ(*ParseTlsMinVersion(""), TLS1_2_VERSION);
  EXPECT_EQ(*ParseTlsMinVersion("VersionTLS13"), TLS1_3_VERSION);
  EXPECT_EQ(*ParseTlsMinVersion("VersionTLS10"), TLS1_VERSION);
  EXPECT_EQ(ParseTlsMinVersion("TLS1.3").status().message(), "unknown tls version \"TLS1.3\"");
  EXPECT_EQ(*OpensslCipherList({"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_AES_128_GCM_SHA256"}),
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305");
  EXPECT_EQ(OpensslCipherList({"ECDHE-RSA-AES128-GCM-SHA256"}).status().message(),
            "Cipher suite ECDHE-RSA-AES128-GCM-SHA256 not supported or doesn't exist");
}

TEST(TlsFlags, GoDefaultsHaveNoRsaKeyExchangeNo3desNoRc4NoCbcSha256) {
  const std::string list = *OpensslCipherList({});
  EXPECT_THAT(list, StartsWith("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"));
  for (const std::string& suite : GoDefaultCipherSuites()) {
    EXPECT_THAT(suite, StartsWith("TLS_ECDHE_")) << suite;  // forward secrecy only
    EXPECT_THAT(suite, ::testing::Not(HasSubstr("3DES"))) << suite;
    EXPECT_THAT(suite, ::testing::Not(HasSubstr("RC4"))) << suite;
    EXPECT_THAT(suite, ::testing::Not(HasSubstr("CBC_SHA256"))) << suite;
  }
}

// A one-connection TLS server on 127.0.0.1 built from MakeServerSslContext: it
// accepts, handshakes, records the client's chain, and (if asked) waits for
// the client to hang up, watching PeerClosedFd.
class OneConnectionServer {
 public:
  OneConnectionServer(const TlsServerOptions& options, bool wait_for_hang_up) {
    auto ctx = MakeServerSslContext(options);
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    if (!ctx.ok()) return;
    ctx_ = *std::move(ctx);
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, wait_for_hang_up] {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      SSL* ssl = SSL_new(ctx_.get());
      SSL_set_fd(ssl, fd);
      const bool ok = SSL_accept(ssl) == 1;
      std::unique_lock<std::mutex> lock(mu_);
      handshake_ok_ = ok;
      if (ok) {
        auto chain = PeerChainPem(ssl);
        if (chain.ok()) chain_ = *chain;
        closed_at_start_ = PeerClosedFd(fd);
      }
      handshaken_ = true;
      cv_.notify_all();
      lock.unlock();
      if (ok && wait_for_hang_up) {
        const auto deadline = std::chrono::steady_clock::now() + kDeadline;
        bool closed = false;
        while (!(closed = PeerClosedFd(fd)) && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        lock.lock();
        closed_at_end_ = closed;
        lock.unlock();
      }
      SSL_free(ssl);
      close(fd);
      ERR_clear_error();
    });
  }
  ~OneConnectionServer() {
    if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
  }
  int port() const { return port_; }
  bool WaitHandshaken() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kDeadline, [this] { return handshaken_; });
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  bool handshake_ok() {
    std::lock_guard<std::mutex> lock(mu_);
    return handshake_ok_;
  }
  std::vector<std::string> chain() {
    std::lock_guard<std::mutex> lock(mu_);
    return chain_;
  }
  bool closed_at_start() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_at_start_;
  }
  bool closed_at_end() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_at_end_;
  }

 private:
  SslCtxPtr ctx_;
  int listen_fd_ = -1;
  int port_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool handshaken_ = false, handshake_ok_ = false;
  bool closed_at_start_ = true, closed_at_end_ = false;
  std::vector<std::string> chain_;
};

// A minimal OpenSSL client, to present a whole chain, pick versions and
// suites, and hang up at will.
class RawTlsClient {
 public:
  ~RawTlsClient() { Close(/*polite=*/false); }

  bool Connect(int port, const std::string& chain_file, const std::string& key_file,
               int max_version = 0, const std::string& ciphers = "") {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (max_version != 0) SSL_CTX_set_max_proto_version(ctx_, max_version);
    if (!ciphers.empty()) SSL_CTX_set_cipher_list(ctx_, ciphers.c_str());
    if (!chain_file.empty() &&
        (SSL_CTX_use_certificate_chain_file(ctx_, chain_file.c_str()) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
      return false;
    }
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return false;
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    const bool ok = SSL_connect(ssl_) == 1;
    if (!ok) ERR_clear_error();
    return ok;
  }

  // polite: close_notify before the FIN, as a well-behaved TLS client.
  void Close(bool polite) {
    if (ssl_ != nullptr) {
      if (polite) SSL_shutdown(ssl_);
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    if (ctx_ != nullptr) {
      SSL_CTX_free(ctx_);
      ctx_ = nullptr;
    }
    ERR_clear_error();
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
};

class TlsConnectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  // True when a client limited to `max_version` and `ciphers` completes a
  // handshake with a server set up with `options`.
  bool Handshakes(const TlsServerOptions& options, int max_version, const std::string& ciphers) {
    OneConnectionServer server(options, /*wait_for_hang_up=*/false);
    RawTlsClient client;
    const bool client_ok = client.Connect(server.port(), "", "", max_version, ciphers);
    client.Close(/*polite=*/false);
    server.Join();
    return client_ok && server.handshake_ok();
  }

  TempDir tmp_;
  TlsFiles server_files_ = WritePair(tmp_.path(), "server", SharedPair("node-1"));
  TlsFiles client_files_ = WritePair(tmp_.path(), "client", SharedPair("client.example"));
};

TEST_F(TlsConnectionTest, WholePresentedChainComesBackLeafFirstUnverified) {
  OneConnectionServer server(Options(server_files_), /*wait_for_hang_up=*/false);
  RawTlsClient client;
  // The client file holds the leaf and its CA; the server trusts neither.
  ASSERT_TRUE(client.Connect(server.port(), client_files_.cert_file, client_files_.key_file));
  ASSERT_TRUE(server.WaitHandshaken());
  std::vector<std::string> chain = server.chain();
  ASSERT_THAT(chain, SizeIs(2));
  EXPECT_THAT(CommonName(ParseCerts(chain[0])[0].get()), StartsWith("client.example@"));
  EXPECT_THAT(CommonName(ParseCerts(chain[1])[0].get()), StartsWith("client.example-ca@"));
}

TEST_F(TlsConnectionTest, ClientWithoutCertificateHasAnEmptyChain) {
  OneConnectionServer server(Options(server_files_), /*wait_for_hang_up=*/false);
  RawTlsClient client;
  ASSERT_TRUE(client.Connect(server.port(), "", ""));
  ASSERT_TRUE(server.WaitHandshaken());
  EXPECT_THAT(server.chain(), SizeIs(0));
}

void ExpectServerSeesHangUp(const TlsFiles& server_files, bool polite) {
  OneConnectionServer server(Options(server_files), /*wait_for_hang_up=*/true);
  RawTlsClient client;
  ASSERT_TRUE(client.Connect(server.port(), "", ""));
  ASSERT_TRUE(server.WaitHandshaken());
  client.Close(polite);
  server.Join();
  EXPECT_FALSE(server.closed_at_start());
  EXPECT_TRUE(server.closed_at_end());
}

TEST_F(TlsConnectionTest, PeerClosedSeesAPoliteHangUp) {
  ExpectServerSeesHangUp(server_files_, /*polite=*/true);
}

TEST_F(TlsConnectionTest, PeerClosedSeesAnAbruptHangUp) {
  ExpectServerSeesHangUp(server_files_, /*polite=*/false);
}

TEST_F(TlsConnectionTest, ByDefaultNoRsaKeyExchangeAndNoTlsBelow12) {
  const TlsServerOptions o = Options(server_files_);
  EXPECT_TRUE(Handshakes(o, TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(Handshakes(o, TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305"));
  EXPECT_TRUE(Handshakes(o, 0, ""));  // TLS 1.3
  // No forward secrecy: refused, as by Go's defaults.
  EXPECT_FALSE(Handshakes(o, TLS1_2_VERSION, "AES128-GCM-SHA256"));
  EXPECT_FALSE(Handshakes(o, TLS1_2_VERSION, "AES256-SHA"));
  EXPECT_FALSE(Handshakes(o, TLS1_2_VERSION, "ECDHE-RSA-AES128-SHA256"));  // CBC-SHA256
  EXPECT_FALSE(Handshakes(o, TLS1_1_VERSION, ""));
}

TEST_F(TlsConnectionTest, CipherSuitesAndMinVersionFlagsApply) {
  TlsServerOptions o = Options(server_files_);
  o.cipher_suites = {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"};
  EXPECT_TRUE(Handshakes(o, TLS1_2_VERSION, "ECDHE-RSA-AES256-GCM-SHA384"));
  EXPECT_FALSE(Handshakes(o, TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256"));
  o.cipher_suites.clear();
  o.min_version = "VersionTLS13";
  EXPECT_FALSE(Handshakes(o, TLS1_2_VERSION, ""));
  EXPECT_TRUE(Handshakes(o, 0, ""));
}

TEST(PeerChainPem, IsEmptyWithoutAConnection) {
  auto chain = PeerChainPem(nullptr);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->empty());
  EXPECT_FALSE(PeerClosedFd(-1));
}

}  // namespace
}  // namespace endpoint
