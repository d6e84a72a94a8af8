#include "endpoint/tls.h"

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

#include "gmock/gmock.h"
#include "gtest/gtest.h"

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

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/tls_test_XXXXXX";
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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

// --- MakeTlsServer and connections ------------------------------------------

TEST(MakeTlsServer, RejectsABadPairWithTheFlagName) {
  TempDir tmp;
  TlsFiles a = WritePair(tmp.path(), "a", SharedPair("node-a"));
  TlsFiles b = WritePair(tmp.path(), "b", SharedPair("node-b"));
  auto server = MakeTlsServer(a.cert_file, b.key_file);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("--tls-private-key-file"));
}

TEST(MakeTlsServer, RequiresTls12AndRequestsButDoesNotRequireClientCerts) {
  TempDir tmp;
  TlsFiles a = WritePair(tmp.path(), "a", SharedPair("node-a"));
  auto server = MakeTlsServer(a.cert_file, a.key_file);
  ASSERT_TRUE(server.ok()) << server.status();
  SSL_CTX* ctx = (*server)->ssl_context();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(ctx), SSL_SESS_CACHE_OFF);
}

// A MakeTlsServer on 127.0.0.1, port 0, listening in its own thread.
class RunningServer {
 public:
  RunningServer(const TlsFiles& files,
                std::function<void(const httplib::Request&, httplib::Response&)> handler) {
    auto server = MakeTlsServer(files.cert_file, files.key_file);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return;
    server_ = *std::move(server);
    server_->Get(".*", handler);
    port_ = server_->bind_to_any_port("127.0.0.1");
    EXPECT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~RunningServer() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = -1;
};

// A minimal OpenSSL client, to present a whole chain and to hang up at will.
class RawTlsClient {
 public:
  ~RawTlsClient() { Close(/*polite=*/false); }

  bool Connect(int port, const std::string& chain_file, const std::string& key_file) {
    ctx_ = SSL_CTX_new(TLS_client_method());
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
    return SSL_connect(ssl_) == 1;
  }

  bool Send(const std::string& data) {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) ==
           static_cast<int>(data.size());
  }

  // Reads until the peer closes; returns what came.
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl_, buf, sizeof buf)) > 0) out.append(buf, n);
    return out;
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

  TempDir tmp_;
  TlsFiles server_files_ = WritePair(tmp_.path(), "server", SharedPair("node-1"));
  TlsFiles client_files_ = WritePair(tmp_.path(), "client", SharedPair("client.example"));
};

TEST_F(TlsConnectionTest, HandlerSeesTheClientCertificateThatHttplibSends) {
  std::mutex mu;
  std::vector<std::string> chain;
  bool called = false;
  RunningServer server(server_files_, [&](const httplib::Request& req, httplib::Response& res) {
    auto got = PeerChainPem(req.ssl);
    std::lock_guard<std::mutex> lock(mu);
    called = true;
    if (got.ok()) chain = *got;
    res.set_content("ok", "text/plain");
  });
  httplib::SSLClient client("127.0.0.1", server.port(), client_files_.cert_file,
                            client_files_.key_file);
  // Verifies the server against its own CA: also proves the 127.0.0.1 SAN.
  client.set_ca_cert_path(server_files_.cert_file.c_str());
  client.enable_server_certificate_verification(true);
  auto res = client.Get("/whoami");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_TRUE(called);
  // httplib's client sends only the first certificate of its file.
  ASSERT_THAT(chain, SizeIs(1));
  std::vector<X509Ptr> leaf = ParseCerts(chain[0]);
  ASSERT_THAT(leaf, SizeIs(1));
  EXPECT_THAT(CommonName(leaf[0].get()), StartsWith("client.example@"));
}

TEST_F(TlsConnectionTest, ClientWithoutCertificateIsServedWithAnEmptyChain) {
  std::mutex mu;
  std::vector<std::string> chain = {"not called"};
  RunningServer server(server_files_, [&](const httplib::Request& req, httplib::Response& res) {
    auto got = PeerChainPem(req.ssl);
    std::lock_guard<std::mutex> lock(mu);
    chain = got.ok() ? *got : std::vector<std::string>{"error"};
    res.set_content("ok", "text/plain");
  });
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  auto res = client.Get("/");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_THAT(chain, SizeIs(0));
}

TEST_F(TlsConnectionTest, WholePresentedChainComesBackLeafFirst) {
  std::mutex mu;
  std::vector<std::string> chain;
  RunningServer server(server_files_, [&](const httplib::Request& req, httplib::Response& res) {
    auto got = PeerChainPem(req.ssl);
    std::lock_guard<std::mutex> lock(mu);
    if (got.ok()) chain = *got;
    res.set_header("Connection", "close");
    res.set_content("ok", "text/plain");
  });
  RawTlsClient client;
  // The client file holds the leaf and its CA; the server trusts neither.
  ASSERT_TRUE(client.Connect(server.port(), client_files_.cert_file, client_files_.key_file));
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_THAT(client.ReadAll(), StartsWith("HTTP/1.1 200 OK"));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_THAT(chain, SizeIs(2));
  EXPECT_THAT(CommonName(ParseCerts(chain[0])[0].get()), StartsWith("client.example@"));
  EXPECT_THAT(CommonName(ParseCerts(chain[1])[0].get()), StartsWith("client.example-ca@"));
}

// The handler waits (up to a deadline) for the client to hang up.
void ExpectHandlerSeesHangUp(const TlsFiles& server_files, bool polite) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool done = false;
  bool closed_at_start = true;
  bool closed_at_end = false;
  RunningServer server(server_files, [&](const httplib::Request& req, httplib::Response& res) {
    const bool at_start = PeerClosed(req.ssl);
    {
      std::lock_guard<std::mutex> lock(mu);
      closed_at_start = at_start;
      entered = true;
    }
    cv.notify_all();
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    bool closed = false;
    while (!(closed = PeerClosed(req.ssl)) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      closed_at_end = closed;
      done = true;
    }
    cv.notify_all();
    res.set_content("too late", "text/plain");
  });
  RawTlsClient client;
  ASSERT_TRUE(client.Connect(server.port(), "", ""));
  ASSERT_TRUE(client.Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, kDeadline, [&] { return entered; }));
  lock.unlock();
  client.Close(polite);
  lock.lock();
  ASSERT_TRUE(cv.wait_for(lock, 2 * kDeadline, [&] { return done; }));
  EXPECT_FALSE(closed_at_start);
  EXPECT_TRUE(closed_at_end);
}

TEST_F(TlsConnectionTest, PeerClosedSeesAPoliteHangUp) {
  ExpectHandlerSeesHangUp(server_files_, /*polite=*/true);
}

TEST_F(TlsConnectionTest, PeerClosedSeesAnAbruptHangUp) {
  ExpectHandlerSeesHangUp(server_files_, /*polite=*/false);
}

TEST(PeerChainPem, IsEmptyWithoutAConnection) {
  auto chain = PeerChainPem(nullptr);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->empty());
  EXPECT_FALSE(PeerClosed(nullptr));
}

}  // namespace
}  // namespace endpoint
