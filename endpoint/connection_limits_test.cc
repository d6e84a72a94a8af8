#include "endpoint/connection_limits.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

auto Always() {
  return [](uint64_t) { return true; };
}

TEST(UnauthenticatedConnections, ThePerClientLimitClosesThatClientsOldest) {
  UnauthenticatedConnections c(/*max_total=*/100, /*max_per_client=*/2);
  EXPECT_THAT(c.Add(1, "10.0.0.1", Always()), IsEmpty());
  EXPECT_THAT(c.Add(2, "10.0.0.2", Always()), IsEmpty());
  EXPECT_THAT(c.Add(3, "10.0.0.1", Always()), IsEmpty());
  EXPECT_THAT(c.Add(4, "10.0.0.1", Always()), ElementsAre(1u));  // not 2: another client's
  EXPECT_EQ(c.CountFor("10.0.0.1"), 2u);
  EXPECT_EQ(c.size(), 3u);
}

TEST(UnauthenticatedConnections, TheGlobalLimitClosesTheOldestOfAnyone) {
  UnauthenticatedConnections c(/*max_total=*/3, /*max_per_client=*/0);
  for (uint64_t id = 1; id <= 3; ++id)
    EXPECT_THAT(c.Add(id, "a" + std::to_string(id), Always()), IsEmpty());
  EXPECT_THAT(c.Add(4, "b", Always()), ElementsAre(1u));
  EXPECT_THAT(c.Add(5, "c", Always()), ElementsAre(2u));
  EXPECT_EQ(c.size(), 3u);
}

TEST(UnauthenticatedConnections, ARequestInFlightIsNeverClosedTheNewcomerIsInstead) {
  UnauthenticatedConnections c(/*max_total=*/2, /*max_per_client=*/0);
  c.Add(1, "a", Always());
  c.Add(2, "b", Always());
  std::set<uint64_t> busy = {1};
  auto closable = [&](uint64_t id) { return busy.count(id) == 0; };
  EXPECT_THAT(c.Add(3, "c", closable), ElementsAre(2u));
  busy = {1, 3};
  EXPECT_THAT(c.Add(4, "d", closable), ElementsAre(4u));  // nothing closable: the newcomer goes
  EXPECT_EQ(c.size(), 2u);
}

TEST(UnauthenticatedConnections, AuthenticatingOrClosingLeavesTheSet) {
  UnauthenticatedConnections c(/*max_total=*/2, /*max_per_client=*/1);
  c.Add(1, "a", Always());
  c.Remove(1);  // authenticated
  EXPECT_EQ(c.CountFor("a"), 0u);
  EXPECT_THAT(c.Add(2, "a", Always()), IsEmpty());
  c.Remove(99);  // unknown: ignored
  EXPECT_EQ(c.size(), 1u);
}

TEST(UnauthenticatedConnections, AFloodFromOneClientOnlyChurnsItsOwn) {
  UnauthenticatedConnections c(/*max_total=*/512, /*max_per_client=*/64);
  c.Add(0, "good", Always());
  for (uint64_t id = 1; id <= 2000; ++id) {
    for (uint64_t closed : c.Add(id, "attacker", Always())) EXPECT_NE(closed, 0u);
  }
  EXPECT_EQ(c.CountFor("attacker"), 64u);
  EXPECT_EQ(c.CountFor("good"), 1u);
}

}  // namespace
}  // namespace endpoint
