#include "endpoint/auth/testing/fake_api_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"

namespace endpoint::testing {
namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fake_api_server: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  std::abort();
}

BIO* MemBio(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Check(bio != nullptr, "BIO_new_mem_buf");
  return bio;
}

X509* ReadCert(const std::string& pem) {
  BIO* bio = MemBio(pem);
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  Check(cert != nullptr, "PEM_read_bio_X509");
  return cert;
}

EVP_PKEY* ReadKey(const std::string& pem) {
  BIO* bio = MemBio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  Check(key != nullptr, "PEM_read_bio_PrivateKey");
  return key;
}

std::string CommonName(const SSL* ssl) {
  if (ssl == nullptr) return "";
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) return "";
  char buffer[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buffer,
                                sizeof buffer) < 0) {
    return "";
  }
  return buffer;
}

// A TCP socket bound to 127.0.0.1 on a port the kernel picks.
int BoundLoopbackSocket(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Check(fd >= 0, "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  Check(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0, "bind");
  socklen_t length = sizeof address;
  Check(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0, "getsockname");
  *port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

int UnusedLoopbackPort() {
  int port = 0;
  ::close(BoundLoopbackSocket(&port));
  return port;
}

SilentListener::SilentListener() {
  fd_ = BoundLoopbackSocket(&port_);
  Check(::listen(fd_, 16) == 0, "listen");
}

SilentListener::~SilentListener() { ::close(fd_); }

FakeApiServer::FakeApiServer(const Options& options) {
  X509* cert = ReadCert(options.serving.cert_pem);
  EVP_PKEY* key = ReadKey(options.serving.key_pem);
  X509_STORE* client_cas = nullptr;
  if (!options.client_ca_pem.empty()) {
    client_cas = X509_STORE_new();
    Check(client_cas != nullptr, "X509_STORE_new");
    X509* ca = ReadCert(options.client_ca_pem);
    Check(X509_STORE_add_cert(client_cas, ca) == 1, "X509_STORE_add_cert");
    X509_free(ca);
  }
  // The server takes references to the pair and owns the store.
  server_ = std::make_unique<httplib::SSLServer>(cert, key, client_cas);
  X509_free(cert);
  EVP_PKEY_free(key);
  Check(server_->is_valid(), "SSLServer");
  server_->Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
    Handle(request, response);
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  Check(port_ > 0, "bind_to_any_port");
  // Bound and listening already: connections queue until the loop accepts.
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the loop runs, so the destructor could not stop a
  // loop that had not started yet: wait for it (a condition, with a deadline).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running()) {
    Check(std::chrono::steady_clock::now() < deadline, "starting the accept loop");
    std::this_thread::yield();
  }
}

FakeApiServer::~FakeApiServer() {
  server_->stop();
  thread_.join();
}

void FakeApiServer::SetResponses(const std::string& path, std::vector<FakeApiResponse> responses) {
  std::lock_guard<std::mutex> lock(mu_);
  responses_[path] = std::move(responses);
  answered_[path] = 0;
}

std::vector<RecordedApiRequest> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void FakeApiServer::Handle(const httplib::Request& request, httplib::Response& response) {
  RecordedApiRequest recorded;
  recorded.method = request.method;
  recorded.path = request.path;
  recorded.body = request.body;
  for (const auto& [name, value] : request.headers) {
    recorded.headers[absl::AsciiStrToLower(name)] = value;
  }
  recorded.client_common_name = CommonName(request.ssl);

  FakeApiResponse answer{404, "404 page not found", {}};
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(recorded));
    auto it = responses_.find(request.path);
    if (it != responses_.end() && !it->second.empty()) {
      size_t& count = answered_[request.path];
      answer = it->second[std::min(count, it->second.size() - 1)];
      ++count;
    }
  }
  response.status = answer.status;
  for (const auto& [name, value] : answer.headers) response.set_header(name, value);
  response.set_content(answer.body, "application/json");
}

}  // namespace endpoint::testing
