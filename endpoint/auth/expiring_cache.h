#ifndef ENDPOINT_AUTH_EXPIRING_CACHE_H_
#define ENDPOINT_AUTH_EXPIRING_CACHE_H_

// A bounded cache whose entries expire, for the webhook answers: like
// k8s.io/apimachinery/pkg/util/cache LRUExpireCache, an entry is served while
// now < its expiry, an expired entry is dropped when looked up, and when full
// the least recently used entry makes room. Time is given by the caller (from
// the injected Clock), never read here.
//
// Thread-safe (one mutex).

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "endpoint/clock.h"

namespace endpoint {

template <typename Value>
class ExpiringCache {
 public:
  // REQUIRES: capacity > 0.
  explicit ExpiringCache(size_t capacity) : capacity_(capacity) {}

  std::optional<Value> Get(const std::string& key, WallTime now) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    if (!(now < it->second->expires_at)) {
      lru_.erase(it->second);
      index_.erase(it);
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->value;
  }

  // Adds or replaces `key`; it is served while now < expires_at.
  void Put(const std::string& key, Value value, WallTime expires_at) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->value = std::move(value);
      it->second->expires_at = expires_at;
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.push_front(Entry{key, std::move(value), expires_at});
    index_[key] = lru_.begin();
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return lru_.size();
  }

 private:
  struct Entry {
    std::string key;
    Value value;
    WallTime expires_at;
  };

  const size_t capacity_;
  std::mutex mu_;
  std::list<Entry> lru_;  // guarded by mu_; most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;  // guarded by mu_
};

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_EXPIRING_CACHE_H_
