// The three layouts as the real archives show them (docs/archive.md).
#include "fake-cri/archive/layout.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/archive_reader.h"

namespace fakecri {
namespace {

using ::kit::testing::ReadArchive;
using ::kit::testing::ReadTar;

ArchiveSpec Spec(ArchiveFlavor flavor) {
  ArchiveSpec s;
  s.flavor = flavor;
  s.container.id = std::string(64, 'c');
  s.container.name = "app";
  s.container.image = "docker.io/library/busybox:1.36";
  s.container.image_ref = "sha256:" + std::string(64, 'a');
  s.container.working_set_bytes = 1 << 20;
  s.container.state = ContainerState::kRunning;
  s.container.log_path = "/var/log/pods/ns_web_u/app/0.log";
  s.sandbox.id = std::string(64, 's');
  s.sandbox.name = "web";
  s.sandbox.ns = "ns";
  s.sandbox.uid = "u";
  s.checkpointed_at_ns = 1728962280LL * 1'000'000'000;
  return s;
}

ReadArchive Write(const ArchiveSpec& s) {
  StringSink sink;
  EXPECT_TRUE(WriteCheckpointArchive(s, &sink, [] { return absl::OkStatus(); }).ok());
  ReadArchive r = ReadTar(sink.str(), /*from_memory=*/true);
  EXPECT_TRUE(r.ok) << r.error;
  return r;
}

TEST(Layout, ContainerdWritesByteOrderWithoutOwnerNames) {
  ReadArchive r = Write(Spec(ArchiveFlavor::kContainerd));
  std::vector<std::string> sorted = r.order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(r.order, sorted);
  for (const char* name : {"checkpoint/", "config.dump", "container.log", "dump.log",
                           "rootfs-diff.tar", "spec.dump", "stats-dump", "status", "status.dump"}) {
    EXPECT_EQ(r.entries.count(name), 1u) << name;
  }
  EXPECT_EQ(r.entries.count("bind.mounts"), 0u);
  EXPECT_EQ(r.entries.count("deleted.files"), 0u);
  EXPECT_EQ(r.entries["checkpoint/"].uname, "");
  auto status = nlohmann::json::parse(r.entries["status"].content);
  EXPECT_EQ(status["Restore"], false);
  EXPECT_TRUE(status.contains("Resources"));
}

TEST(Layout, Containerd20HasNoneOf21sAdditions) {
  ReadArchive r = Write(Spec(ArchiveFlavor::kContainerd20));
  EXPECT_EQ(r.order, (std::vector<std::string>{
                         "checkpoint/", "checkpoint/core-1.img", "checkpoint/descriptors.json",
                         "checkpoint/fdinfo-1.img", "checkpoint/files.img", "checkpoint/fs-1.img",
                         "checkpoint/ids-1.img", "checkpoint/inventory.img", "checkpoint/mm-1.img",
                         "checkpoint/pagemap-1.img", "checkpoint/pages-1.img",
                         "checkpoint/pstree.img", "config.dump", "rootfs-diff.tar", "spec.dump"}));
}

TEST(Layout, CrioWritesItsIncludeListInOrderWithRootOwnership) {
  ArchiveSpec s = Spec(ArchiveFlavor::kCrio);
  ReadArchive plain = Write(s);
  EXPECT_EQ(plain.order.front(), "stats-dump");
  EXPECT_EQ(plain.order[1], "dump.log");
  EXPECT_EQ(plain.order[2], "checkpoint/");
  EXPECT_EQ(plain.entries["checkpoint/"].mode, 0600u);  // runc makes the image dir 0600
  EXPECT_EQ(plain.entries["config.dump"].uname, "root");
  // No changes to the root filesystem: no diff, no deleted.files.
  EXPECT_EQ(plain.entries.count("rootfs-diff.tar"), 0u);
  EXPECT_EQ(plain.entries.count("deleted.files"), 0u);
  auto binds = nlohmann::json::parse(plain.entries["bind.mounts"].content);
  ASSERT_EQ(binds.size(), 3u);
  EXPECT_EQ(binds[0]["destination"], "/etc/hostname");
  EXPECT_EQ(binds[0]["file_type"], "file");
  EXPECT_EQ(plain.order.back(), "io.kubernetes.cri-o.LogPath");

  s.container.rootfs_changes = {"/var/cache/app/state"};
  s.container.rootfs_deletions = {"/etc/motd"};
  ReadArchive changed = Write(s);
  ASSERT_EQ(changed.entries.count("rootfs-diff.tar"), 1u);
  ReadArchive diff = ReadTar(changed.entries["rootfs-diff.tar"].content, /*from_memory=*/true);
  ASSERT_TRUE(diff.ok);
  EXPECT_EQ(diff.order, (std::vector<std::string>{"var/", "var/cache/", "var/cache/app/",
                                                  "var/cache/app/state"}));
  EXPECT_EQ(nlohmann::json::parse(changed.entries["deleted.files"].content),
            nlohmann::json::array({"/etc/motd"}));
}

TEST(Layout, WithoutALogPathNoLogIsArchived) {
  for (ArchiveFlavor f : {ArchiveFlavor::kCrio, ArchiveFlavor::kContainerd}) {
    ArchiveSpec s = Spec(f);
    s.container.log_path.clear();
    ReadArchive r = Write(s);
    EXPECT_EQ(r.entries.count("container.log") + r.entries.count("io.kubernetes.cri-o.LogPath"),
              0u);
  }
}

}  // namespace
}  // namespace fakecri
