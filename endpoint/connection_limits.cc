#include "endpoint/connection_limits.h"

namespace endpoint {

std::list<UnauthenticatedConnections::Member>::iterator UnauthenticatedConnections::OldestClosable(
    const std::string& client, const std::function<bool(uint64_t)>& closable) {
  for (auto it = order_.begin(); it != order_.end(); ++it) {
    if ((client.empty() || it->client == client) && closable(it->id)) return it;
  }
  return order_.end();
}

void UnauthenticatedConnections::Erase(std::list<Member>::iterator it) {
  auto pc = per_client_.find(it->client);
  if (pc != per_client_.end() && --pc->second == 0) per_client_.erase(pc);
  by_id_.erase(it->id);
  order_.erase(it);
}

std::vector<uint64_t> UnauthenticatedConnections::Add(
    uint64_t id, const std::string& client, const std::function<bool(uint64_t)>& closable) {
  std::vector<uint64_t> close;
  if (max_per_client_ > 0 && CountFor(client) >= max_per_client_) {
    auto victim = OldestClosable(client, closable);
    if (victim == order_.end()) return {id};
    close.push_back(victim->id);
    Erase(victim);
  }
  if (max_total_ > 0 && order_.size() >= max_total_) {
    auto victim = OldestClosable("", closable);
    if (victim == order_.end()) {
      close.push_back(id);  // (a victim taken above stays closed)
      return close;
    }
    close.push_back(victim->id);
    Erase(victim);
  }
  order_.push_back({id, client});
  by_id_[id] = std::prev(order_.end());
  ++per_client_[client];
  return close;
}

void UnauthenticatedConnections::Remove(uint64_t id) {
  auto it = by_id_.find(id);
  if (it != by_id_.end()) Erase(it->second);
}

size_t UnauthenticatedConnections::CountFor(const std::string& client) const {
  auto it = per_client_.find(client);
  return it == per_client_.end() ? 0 : it->second;
}

}  // namespace endpoint
