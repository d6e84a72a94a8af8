#ifndef ENDPOINT_TLS_PEER_H_
#define ENDPOINT_TLS_PEER_H_

// What a handler can learn of its connection: the client's certificate chain,
// and whether the client has gone away. Thread-safe (no state).

#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace endpoint {

// The certificate chain the client presented on this connection, leaf first,
// as PEM blocks; empty when it presented none or `ssl` is null (plain HTTP).
// Nothing here is verified: that is the authenticator's job. (Server side,
// SSL_get_peer_cert_chain lacks the leaf; we add it from
// SSL_get0_peer_certificate.) Sessions are never resumed on servers set up by
// RequestClientCertificates, so the whole chain is always there.
absl::StatusOr<std::vector<std::string>> PeerChainPem(const SSL* ssl);

// True when the client has closed (or reset) its side of the TCP connection
// `fd`, checked without blocking and without consuming anything: poll() for
// POLLRDHUP/POLLHUP/POLLERR, then recv(MSG_PEEK|MSG_DONTWAIT) == 0. POLLRDHUP is
// needed because a polite TLS client sends close_notify before its FIN, so a
// peek alone sees a pending byte, not end-of-file. Like Go's net/http, a client
// that only half-closes (shutdown(SHUT_WR)) also counts as gone. Used to cancel
// a checkpoint whose client disconnected.
bool PeerClosedFd(int fd);

}  // namespace endpoint

#endif  // ENDPOINT_TLS_PEER_H_
