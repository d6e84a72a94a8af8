#include "endpoint/archive_namer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "endpoint/retention.h"
#include "endpoint/testing/mocks.h"
#include "fake-cri/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

const WallTime kT0 = WallTime(std::chrono::seconds(1728962280));  // 2024-10-15T03:18:00Z

class TimeZone {
 public:
  explicit TimeZone(const char* tz) {
    const char* old = getenv("TZ");
    old_ = old ? old : "";
    had_ = old != nullptr;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~TimeZone() {
    if (had_) {
      setenv("TZ", old_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

TEST(Rfc3339Local, UtcEndsInZ) {
  TimeZone tz("UTC");
  EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T03:18:00Z");
}

TEST(Rfc3339Local, OtherZonesCarryTheirOffset) {
  {
    TimeZone tz("Asia/Tokyo");
    EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T12:18:00+09:00");
  }
  {
    TimeZone tz("America/St_Johns");  // -02:30 in October (daylight time)
    EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T00:48:00-02:30");
  }
}

TEST(KubeletArchiveName, MatchesTheKubeletsFormat) {
  TimeZone tz("UTC");
  EXPECT_EQ(KubeletArchiveName("/var/lib/kubelet/checkpoints", "default", "web", "nginx", kT0),
            "/var/lib/kubelet/checkpoints/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar");
}

TEST(ArchiveNamer, ByDefaultTwoReservationsInOneSecondShareTheName) {
  // As the kubelet: the name for this second, whatever was handed out or is on disk.
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/false);
  std::ofstream(KubeletArchiveName(dir.path(), "ns", "p", "c", kT0)) << "older archive";
  const std::string expected = KubeletArchiveName(dir.path(), "ns", "p", "c", kT0);
  std::string a = namer.Reserve("ns", "p", "c");
  std::string b = namer.Reserve("ns", "p", "c");
  EXPECT_EQ(a, expected);
  EXPECT_EQ(b, expected);
  EXPECT_EQ(clock.sleeps(), 0);
  // In use until both have ended.
  namer.Release(a);
  EXPECT_TRUE(namer.InUse(expected));
  namer.Release(b);
  EXPECT_FALSE(namer.InUse(expected));
}

TEST(ArchiveNamer, UniqueNamesWaitForTheNextSecond) {
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  EXPECT_EQ(namer.Reserve("ns", "p", "c"), KubeletArchiveName(dir.path(), "ns", "p", "c", kT0));
  EXPECT_EQ(namer.Reserve("ns", "p", "c"),
            KubeletArchiveName(dir.path(), "ns", "p", "c", kT0 + std::chrono::seconds(1)));
  EXPECT_EQ(clock.sleeps(), 1);
}

TEST(ArchiveNamer, UniqueNamesNeverNameOneOnDisk) {
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::ofstream(KubeletArchiveName(dir.path(), "ns", "p", "c", kT0)) << "older archive";
  EXPECT_EQ(namer.Reserve("ns", "p", "c"), KubeletArchiveName(dir.path(), "ns", "p", "c",
                                                              kT0 + std::chrono::seconds(1)));
}

TEST(ArchiveNamer, UniqueNamesLetDifferentContainersShareASecond) {
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::string a = namer.Reserve("ns", "p", "a");
  std::string b = namer.Reserve("ns", "p", "b");
  EXPECT_NE(a, b);
  EXPECT_EQ(clock.sleeps(), 0);
}

TEST(ArchiveNamer, UniqueConcurrentReservationsAreAllDistinct) {
  fakecri::TempDir dir;
  RealClock clock;
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::vector<std::string> names(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { names[i] = namer.Reserve("ns", "p", "c"); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), 3u);
}

TEST(ArchiveNamer, ReleaseEndsInUse) {
  for (bool unique : {false, true}) {
    fakecri::TempDir dir;
    FakeClock clock(kT0);
    ArchiveNamer namer(dir.path(), &clock, unique);
    std::string a = namer.Reserve("ns", "p", "c");
    EXPECT_TRUE(namer.InUse(a)) << unique;
    namer.Release(a);
    EXPECT_FALSE(namer.InUse(a)) << unique;
  }
}

TEST(IsArchiveStamp, AcceptsOnlyRfc3339Seconds) {
  EXPECT_TRUE(IsArchiveStamp("2024-10-15T03:18:00Z"));
  EXPECT_TRUE(IsArchiveStamp("2024-10-15T12:18:00+09:00"));
  EXPECT_TRUE(IsArchiveStamp("2024-10-15T00:48:00-02:30"));
  EXPECT_FALSE(IsArchiveStamp("2-2024-10-15T03:18:00Z"));
  EXPECT_FALSE(IsArchiveStamp("2024-10-15T03:18:00"));
  EXPECT_FALSE(IsArchiveStamp("2024-10-15T03:18:00.5Z"));
}

TEST(Retention, KeepsTheNewestNOfThisContainerOnly) {
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/false);
  std::vector<std::string> mine;
  for (int i = 0; i < 4; ++i) {
    std::string p = KubeletArchiveName(dir.path(), "ns", "p", "web", kT0 + std::chrono::seconds(i));
    std::ofstream(p) << i;
    std::filesystem::last_write_time(
        p, std::filesystem::file_time_type::clock::now() - std::chrono::hours(10 - i));
    mine.push_back(p);
  }
  std::string other = KubeletArchiveName(dir.path(), "ns", "p", "web-2", kT0);
  std::ofstream(other) << "x";
  std::string stranger = dir.Join("checkpoint-p_ns-web-notes.tar");
  std::ofstream(stranger) << "x";

  std::vector<std::string> deleted = EnforceRetention(namer, "ns", "p", "web", 2);
  EXPECT_EQ(deleted, (std::vector<std::string>{mine[1], mine[0]}));
  EXPECT_TRUE(std::filesystem::exists(mine[2]));
  EXPECT_TRUE(std::filesystem::exists(mine[3]));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_TRUE(std::filesystem::exists(stranger));
}

TEST(Retention, NeverDeletesOneInProgress) {
  TimeZone tz("UTC");
  fakecri::TempDir dir;
  FakeClock clock(kT0 - std::chrono::hours(1));
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/false);
  std::string in_progress = namer.Reserve("ns", "p", "web");  // an hour old, still running
  std::ofstream(in_progress) << "partial";
  std::filesystem::last_write_time(
      in_progress, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  std::string newer = KubeletArchiveName(dir.path(), "ns", "p", "web", kT0);
  std::ofstream(newer) << "new";
  EXPECT_TRUE(EnforceRetention(namer, "ns", "p", "web", 1).empty());
  EXPECT_TRUE(std::filesystem::exists(in_progress));
}

}  // namespace
}  // namespace endpoint
