#ifndef ENDPOINT_CONNECTION_LIMITS_H_
#define ENDPOINT_CONNECTION_LIMITS_H_

// The connections that have not authenticated yet (in their TLS handshake,
// sending a request head, or served only 401s and redirects so far), held to a
// global limit and a limit per client address so that a flood of them cannot
// crowd out clients that do authenticate. When a new connection would pass a
// limit, the oldest unauthenticated connection that can be closed (not in the
// middle of a request: that one finishes) is closed to make room: of that
// client for the per-client limit, of anyone for the global one. A flood then
// only churns its own connections, and a client that authenticates within a
// few round trips is not closed before it does, unless `max_total` new
// connections arrive in that time. When none can be closed, the new
// connection is. A connection leaves the set when it authenticates (as
// someone other than system:anonymous) or closes.
//
// Bookkeeping only (the server closes what Add names). Thread-compatible: the
// server uses it from its I/O thread only.

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <vector>

namespace endpoint {

class UnauthenticatedConnections {
 public:
  // 0 means no limit.
  UnauthenticatedConnections(size_t max_total, size_t max_per_client)
      : max_total_(max_total), max_per_client_(max_per_client) {}

  // A new connection `id` from `client`. Returns the connections to close,
  // oldest first: possibly `id` itself, when room cannot be made. Those
  // returned are already out of the set. `closable(id)` says whether a member
  // may be closed now.
  std::vector<uint64_t> Add(uint64_t id, const std::string& client,
                            const std::function<bool(uint64_t)>& closable);
  // `id` authenticated or closed (unknown ids are ignored).
  void Remove(uint64_t id);

  size_t size() const { return order_.size(); }
  size_t CountFor(const std::string& client) const;

 private:
  struct Member {
    uint64_t id;
    std::string client;
  };
  // The oldest closable member (of `client` when not empty); end() if none.
  std::list<Member>::iterator OldestClosable(const std::string& client,
                                             const std::function<bool(uint64_t)>& closable);
  void Erase(std::list<Member>::iterator it);

  const size_t max_total_, max_per_client_;
  std::list<Member> order_;  // oldest first
  std::map<uint64_t, std::list<Member>::iterator> by_id_;
  std::map<std::string, size_t> per_client_;
};

}  // namespace endpoint

#endif  // ENDPOINT_CONNECTION_LIMITS_H_
