// `show`'s facts against what tar, crit and the JSON members themselves say,
// on fake-cri's archives of every flavor and the real archives; then every
// error, with its exact message.
#include "inspect/archive_scan.h"

#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "inspect/testing/test_archives.h"
#include "testing/temp_dir.h"

namespace inspect {
namespace {

using nlohmann::json;
namespace t = ::inspect::testing;

// Everything `show` says that tar and crit can say too.
void ExpectFactsMatchTarAndCrit(const std::string& archive, const CheckpointFacts& f,
                                const std::string& scratch) {
  EXPECT_EQ(f.archive_size, t::FileSize(archive));
  const std::vector<std::string> names = t::TarNames(archive);
  EXPECT_EQ(f.member_count, names.size());
  const std::map<std::string, uint64_t> sizes = t::TarSizes(archive);

  const std::string root = scratch + "/x";
  std::filesystem::remove_all(root);
  ASSERT_TRUE(t::Extract(archive, root));
  const json config = json::parse(t::ReadFile(root + "/config.dump"));
  EXPECT_EQ(f.container.full_name, config.value("name", ""));
  EXPECT_EQ(f.container.id, config.value("id", ""));
  EXPECT_EQ(f.container.runtime, config.value("runtime", ""));
  EXPECT_EQ(f.container.created_time, config.value("createdTime", ""));
  if (config.contains("checkpointedTime")) {
    EXPECT_EQ(f.container.checkpointed_time, config["checkpointedTime"]);
  } else {
    EXPECT_EQ(f.container.checkpointed_time_source, "tar mtime of checkpoint/");
  }

  // Memory: the pagemaps' present pages are exactly the pages files' bytes.
  uint64_t pages_bytes = 0;
  for (const auto& [name, size] : sizes) {
    if (absl::StartsWith(name, "checkpoint/pages-")) pages_bytes += size;
  }
  EXPECT_EQ(f.memory.pages_files_bytes, pages_bytes);
  EXPECT_EQ(f.memory.bytes, pages_bytes);
  EXPECT_EQ(f.memory.bytes, f.memory.pages * 4096);
  for (const PagesFile& p : f.memory.pages_files) EXPECT_EQ(p.size, sizes.at(p.member));

  if (std::filesystem::exists(root + "/rootfs-diff.tar")) {
    ASSERT_TRUE(f.rootfs_diff.has_value());
    EXPECT_EQ(f.rootfs_diff->size, sizes.at("rootfs-diff.tar"));
    std::vector<std::string> diff_names = t::TarNames(root + "/rootfs-diff.tar");
    diff_names.erase(std::remove(diff_names.begin(), diff_names.end(), "."), diff_names.end());
    EXPECT_EQ(f.rootfs_diff->members, diff_names);
    const std::string head = t::ReadFile(root + "/rootfs-diff.tar").substr(0, 2);
    EXPECT_EQ(f.rootfs_diff->compression, head == "\x1f\x8b" ? "gzip" : "none");
  } else {
    EXPECT_FALSE(f.rootfs_diff.has_value());
  }
  if (std::filesystem::exists(root + "/deleted.files")) {
    ASSERT_TRUE(f.deleted_files.has_value());
    EXPECT_EQ(json(*f.deleted_files), json::parse(t::ReadFile(root + "/deleted.files")));
  } else {
    EXPECT_FALSE(f.deleted_files.has_value());
  }

  if (std::filesystem::exists(root + "/stats-dump")) {
    std::optional<json> crit = t::CritDecode(root + "/stats-dump");
    ASSERT_TRUE(crit.has_value());
    ASSERT_TRUE(f.stats && f.stats->dump);
    const json& d = (*crit)["entries"][0]["dump"];
    EXPECT_EQ(d["pages_written"].get<uint64_t>(), f.stats->dump->pages_written);
    EXPECT_EQ(d["frozen_time"].get<uint32_t>(), f.stats->dump->frozen_time);
    EXPECT_EQ(d["memdump_time"].get<uint32_t>(), f.stats->dump->memdump_time);
  } else {
    EXPECT_FALSE(f.stats.has_value());
  }
  if (std::filesystem::exists(root + "/dump.log")) {
    std::optional<std::string> line =
        t::Run("grep -m1 -o 'Version: .*' '" + root + "/dump.log' | cut -c10-");
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(f.criu_version + "\n", *line);
  } else {
    EXPECT_EQ(f.criu_version, "");
  }

  std::optional<json> pstree = t::CritDecode(root + "/checkpoint/pstree.img");
  ASSERT_TRUE(pstree.has_value());
  ASSERT_EQ(f.processes.size(), (*pstree)["entries"].size());
  for (size_t i = 0; i < f.processes.size(); ++i) {
    const ProcessFacts& p = f.processes[i];
    EXPECT_EQ(p.entry.pid, (*pstree)["entries"][i]["pid"].get<uint32_t>());
    std::optional<json> core =
        t::CritDecode(root + "/checkpoint/core-" + std::to_string(p.entry.pid) + ".img");
    ASSERT_TRUE(core.has_value());
    EXPECT_EQ(p.comm, (*core)["entries"][0]["tc"]["comm"].get<std::string>());
  }
  std::optional<json> inventory = t::CritDecode(root + "/checkpoint/inventory.img");
  ASSERT_TRUE(inventory && f.inventory);
  EXPECT_EQ(f.inventory->img_version, (*inventory)["entries"][0]["img_version"].get<uint32_t>());
}

class ShowFacts : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!t::Run("crit --help >/dev/null 2>&1")) GTEST_SKIP() << "crit is not installed";
  }
  kit::testing::TempDir tmp_;
};

TEST_F(ShowFacts, FakeCriArchivesOfEveryFlavor) {
  const t::FakeContainer c;
  for (const t::FlavorRow& row : t::FakeFlavors()) {
    SCOPED_TRACE(row.flavor);
    const std::string path = tmp_.Join(std::string(row.flavor) + ".tar");
    ASSERT_EQ(t::WriteFakeArchive(path, row.flavor), "");
    absl::StatusOr<CheckpointFacts> f = InspectCheckpoint(path);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->container.engine, row.engine);
    EXPECT_EQ(f->container.name, c.name);
    EXPECT_EQ(f->container.pod, c.pod);
    EXPECT_EQ(f->container.ns, c.ns);
    EXPECT_EQ(f->container.image_name, c.image);
    EXPECT_EQ(f->compression, "none");
    EXPECT_EQ(f->memory.pages, (c.working_set_bytes + 4095) / 4096);
    ExpectFactsMatchTarAndCrit(path, *f, tmp_.path());
  }
}

TEST_F(ShowFacts, RealContainerdAndPodmanArchives) {
  std::string why;
  std::map<std::string, std::string> real = t::RealArchives(tmp_.path(), &why);
  if (real.empty()) GTEST_SKIP() << why;
  for (const auto& [name, path] : real) {
    SCOPED_TRACE(name);
    absl::StatusOr<CheckpointFacts> f = InspectCheckpoint(path);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->container.engine, absl::StartsWith(name, "podman") ? "Podman" : "containerd");
    ExpectFactsMatchTarAndCrit(path, *f, tmp_.path());
  }
}

// containerd 2.0 writes neither status, status.dump, stats-dump, dump.log nor
// container.log: the same archive without them still shows.
TEST_F(ShowFacts, Containerd20LayoutWithoutStatsOrLogs) {
  const std::string full = tmp_.Join("containerd.tar");
  ASSERT_EQ(t::WriteFakeArchive(full, "containerd"), "");
  const std::string v20 = tmp_.Join("containerd-2.0.tar");
  ASSERT_EQ(t::RewriteTar(full, v20, {},
                          {"status", "status.dump", "stats-dump", "dump.log", "container.log"}),
            "");
  absl::StatusOr<CheckpointFacts> f = InspectCheckpoint(v20);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->container.engine, "containerd");
  EXPECT_EQ(f->container.name, "counter");
  EXPECT_FALSE(f->stats.has_value());
  EXPECT_EQ(f->criu_version, "");
  EXPECT_TRUE(f->logs.empty());
  ExpectFactsMatchTarAndCrit(v20, *f, tmp_.path());
}

TEST_F(ShowFacts, CompressedArchivesReadTransparently) {
  const std::string plain = tmp_.Join("a.tar");
  ASSERT_EQ(t::WriteFakeArchive(plain, "cri-o"), "");
  absl::StatusOr<CheckpointFacts> want = InspectCheckpoint(plain);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const char* filter : {"gzip", "zstd"}) {
    SCOPED_TRACE(filter);
    const std::string packed = tmp_.Join(std::string("a.tar.") + filter);
    if (std::string err = t::CompressCopy(plain, packed, filter); !err.empty()) {
      ASSERT_STRNE(filter, "gzip") << err;
      std::cout << "[  NOTE    ] no " << filter << " copy: " << err << "\n";
      continue;
    }
    absl::StatusOr<CheckpointFacts> got = InspectCheckpoint(packed);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->compression, filter);
    EXPECT_EQ(got->member_count, want->member_count);
    EXPECT_EQ(got->memory.pages, want->memory.pages);
    EXPECT_EQ(got->container.name, want->container.name);
    ASSERT_EQ(got->rootfs_diff.has_value(), want->rootfs_diff.has_value());
    if (want->rootfs_diff) {
      EXPECT_EQ(got->rootfs_diff->members, want->rootfs_diff->members);
    }
  }
}

// Every error: the status's message, exactly (the CLI prefixes the program).
class ShowErrors : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(t::WriteFakeArchive(good_, "cri-o"), ""); }
  std::string Error(const std::string& path, const ScanOptions& options = {}) {
    absl::StatusOr<CheckpointFacts> f = InspectCheckpoint(path, options);
    EXPECT_FALSE(f.ok()) << path;
    return std::string(f.status().message());
  }
  std::string Cut(const std::string& name, uint64_t bytes) {
    const std::string path = tmp_.Join(name);
    std::ofstream(path, std::ios::binary) << t::ReadFile(good_).substr(0, bytes);
    return path;
  }
  kit::testing::TempDir tmp_;
  const std::string good_ = tmp_.Join("good.tar");
};

TEST_F(ShowErrors, MissingFileDirectoryAndNotATar) {
  EXPECT_EQ(Error(tmp_.Join("none.tar")), tmp_.Join("none.tar") + ": no such file");
  EXPECT_EQ(Error(tmp_.path()), tmp_.path() + ": is a directory, not an archive");
  const std::string text = tmp_.Join("text.tar");
  std::ofstream(text) << std::string(2000, 'x');
  EXPECT_EQ(Error(text), text + ": not a tar archive (libarchive: Unrecognized archive format)");
  const std::string empty = tmp_.Join("empty.tar");
  std::ofstream(empty).close();
  EXPECT_EQ(Error(empty), empty + ": not a tar archive: the file is empty");
  const std::string tiny = tmp_.Join("tiny.tar");
  std::ofstream(tiny) << "hello";
  EXPECT_EQ(Error(tiny),
            tiny + ": not a tar archive: only 5 bytes, less than one 512-byte tar header");
  const std::string gz = tmp_.Join("text.gz");
  ASSERT_EQ(t::CompressCopy(text, gz, "gzip"), "");
  EXPECT_EQ(Error(gz), gz + ": not a tar archive (gzip-compressed, but not a tar inside) "
                            "(libarchive: Unrecognized archive format)");
}

TEST_F(ShowErrors, TruncatedArchivesSayWhereTheyEnd) {
  const std::map<std::string, uint64_t> sizes = t::TarSizes(good_);
  const uint64_t size = t::FileSize(good_);
  // Inside the data of pages-1.img: its header is followed by 100 KiB of pages.
  std::string name = "checkpoint/pages-1.img";
  uint64_t data_start = 0;
  {
    std::optional<std::string> out = t::Run(
        "python3 -c \"import tarfile,sys; t=tarfile.open(sys.argv[1]); "
        "print(t.getmember('checkpoint/pages-1.img').offset_data)\" " +
        good_);
    ASSERT_TRUE(out.has_value());
    data_start = std::stoull(*out);
  }
  const std::string in_pages = Cut("in-pages.tar", data_start + 5000);
  EXPECT_EQ(Error(in_pages), absl::StrCat(in_pages, ": truncated: the archive ends at byte ",
                                          data_start + 5000, ", inside member \"", name,
                                          "\" (5000 of its ", sizes.at(name), " bytes present)"));
  const std::string in_header = Cut("in-header.tar", data_start - 100);
  EXPECT_EQ(Error(in_header),
            absl::StrCat(in_header, ": truncated: the archive ends at byte ", data_start - 100,
                         ", after member \"checkpoint/pagemap-1.img\": the next header is cut"));
  const std::string no_end = Cut("no-end.tar", size - 1024);
  EXPECT_EQ(Error(no_end),
            absl::StrCat(no_end, ": truncated: the archive ends at byte ", size - 1024,
                         ", right after member \"io.kubernetes.cri-o.LogPath\", without the two "
                         "zero blocks that end a tar"));
  const std::string gz = tmp_.Join("cut.tar.gz");
  ASSERT_EQ(t::CompressCopy(good_, gz, "gzip"), "");
  const std::string gz_cut = tmp_.Join("cut2.tar.gz");
  std::ofstream(gz_cut, std::ios::binary) << t::ReadFile(gz).substr(0, 3000);
  EXPECT_TRUE(std::regex_match(
      Error(gz_cut),
      std::regex(".*: truncated: the gzip stream ends at byte 3000, inside member \".*\" "
                 "\\([0-9]+ of its [0-9]+ bytes decompressed\\)")))
      << Error(gz_cut);
}

TEST_F(ShowErrors, ForeignTarSaysWhatIsMissing) {
  const std::string foreign = tmp_.Join("foreign.tar");
  ASSERT_EQ(t::WriteTar(foreign, {{"etc/", ""}, {"etc/hostname", "node\n"}}), "");
  EXPECT_EQ(Error(foreign), foreign +
                                ": not a checkpoint archive: no checkpoint/ directory, "
                                "no config.dump, no spec.dump");
  const std::string no_spec = tmp_.Join("no-spec.tar");
  ASSERT_EQ(t::RewriteTar(good_, no_spec, {}, {"spec.dump"}), "");
  EXPECT_EQ(Error(no_spec), no_spec + ": not a checkpoint archive: no spec.dump");
}

TEST_F(ShowErrors, CorruptJsonAndImagesNameTheMember) {
  const std::string bad_json = tmp_.Join("bad-json.tar");
  ASSERT_EQ(t::RewriteTar(good_, bad_json, {{"config.dump", "{\"id\": "}}), "");
  EXPECT_TRUE(absl::StartsWith(Error(bad_json),
                               bad_json + ": member \"config.dump\": invalid JSON: "
                                          "[json.exception.parse_error.101] parse error at line 1"))
      << Error(bad_json);
  const std::string bad_deleted = tmp_.Join("bad-deleted.tar");
  ASSERT_EQ(t::RewriteTar(good_, bad_deleted, {{"deleted.files", "[1]"}}), "");
  EXPECT_EQ(Error(bad_deleted),
            bad_deleted + ": member \"deleted.files\": an entry is number, expected a string");

  const std::string bad_img = tmp_.Join("bad-img.tar");
  ASSERT_EQ(t::RewriteTar(good_, bad_img,
                          {{"checkpoint/pstree.img", std::string("\x19\x43\x56\x54\x30\x30\x27\x50"
                                                                 "\x10\x00\x00\x00\x08\x01",
                                                                 14)}}),
            "");
  EXPECT_EQ(Error(bad_img), bad_img +
                                ": member \"checkpoint/pstree.img\": bad CRIU image: "
                                "entry 1 at byte 8 claims 16 bytes but only 2 remain");
  const std::string bad_stats = tmp_.Join("bad-stats.tar");
  ASSERT_EQ(t::RewriteTar(good_, bad_stats, {{"stats-dump", "not an image"}}), "");
  EXPECT_EQ(Error(bad_stats), bad_stats +
                                  ": member \"stats-dump\": bad CRIU image: byte 0: class "
                                  "magic 0x20746f6e, expected 0x55105940 (IMG_SERVICE)");
}

TEST_F(ShowErrors, MembersOverTheLoadLimitAreRefused) {
  const std::string big = tmp_.Join("big.tar");
  ASSERT_EQ(t::RewriteTar(good_, big, {{"spec.dump", std::string(kMaxJsonBytes + 1, ' ')}}), "");
  EXPECT_EQ(Error(big), absl::StrCat(big, ": member \"spec.dump\" is ", kMaxJsonBytes + 1,
                                     " bytes, more than the ", kMaxJsonBytes,
                                     " bytes checkpoint-inspect loads"));
}

TEST_F(ShowErrors, UnavailableFilterIsNamed) {
  const std::string zst = tmp_.Join("a.tar.zst");
  if (std::string err = t::CompressCopy(good_, zst, "zstd"); !err.empty()) {
    GTEST_SKIP() << "this libarchive cannot write zstd: " << err;
  }
  ScanOptions options;
  options.tar.disabled_filters = {"zstd"};
  EXPECT_TRUE(absl::StartsWith(Error(zst, options),
                               zst + ": the archive is zstd-compressed, and reading zstd is not "
                                     "available in this build (libarchive "))
      << Error(zst, options);
}

}  // namespace
}  // namespace inspect
