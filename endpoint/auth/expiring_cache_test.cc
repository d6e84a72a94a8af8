#include "endpoint/auth/expiring_cache.h"

#include <chrono>
#include <string>

#include "gtest/gtest.h"

namespace endpoint {
namespace {

using std::chrono::seconds;

const WallTime kT0 = WallTime(std::chrono::hours(24 * 365 * 54));

TEST(ExpiringCache, ServesAnEntryUntilJustBeforeItsExpiry) {
  ExpiringCache<int> cache(4);
  cache.Put("a", 1, kT0 + seconds(30));
  EXPECT_EQ(cache.Get("a", kT0), 1);
  EXPECT_EQ(cache.Get("a", kT0 + seconds(29)), 1);
  EXPECT_EQ(cache.Get("a", kT0 + seconds(30)), std::nullopt);
  EXPECT_EQ(cache.size(), 0u);  // dropped when found expired
}

TEST(ExpiringCache, PutReplacesValueAndExpiry) {
  ExpiringCache<int> cache(4);
  cache.Put("a", 1, kT0 + seconds(1));
  cache.Put("a", 2, kT0 + seconds(10));
  EXPECT_EQ(cache.Get("a", kT0 + seconds(5)), 2);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ExpiringCache, FullCacheDropsTheLeastRecentlyUsed) {
  ExpiringCache<int> cache(2);
  cache.Put("a", 1, kT0 + seconds(10));
  cache.Put("b", 2, kT0 + seconds(10));
  EXPECT_EQ(cache.Get("a", kT0), 1);  // "b" is now the least recently used
  cache.Put("c", 3, kT0 + seconds(10));
  EXPECT_EQ(cache.Get("a", kT0), 1);
  EXPECT_EQ(cache.Get("b", kT0), std::nullopt);
  EXPECT_EQ(cache.Get("c", kT0), 3);
}

TEST(ExpiringCache, UnknownKeyIsAMiss) {
  ExpiringCache<std::string> cache(1);
  EXPECT_EQ(cache.Get("nope", kT0), std::nullopt);
}

}  // namespace
}  // namespace endpoint
