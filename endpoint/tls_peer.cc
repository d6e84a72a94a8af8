#include "endpoint/tls_peer.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "endpoint/openssl_util.h"

namespace endpoint {

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

}  // namespace endpoint
