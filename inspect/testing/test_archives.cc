#include "inspect/testing/test_archives.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fake-cri/archive/byte_sink.h"
#include "fake-cri/archive/layout.h"

namespace inspect::testing {
namespace {

class FileSink final : public fakecri::ByteSink {
 public:
  explicit FileSink(const std::string& path) : out_(path, std::ios::binary) {}
  absl::Status Append(const char* data, size_t n) override {
    out_.write(data, static_cast<std::streamsize>(n));
    return out_ ? absl::OkStatus() : absl::DataLossError("write failed");
  }
  bool ok() const { return static_cast<bool>(out_); }

 private:
  std::ofstream out_;
};

std::string Normalize(std::string name) {
  while (absl::StartsWith(name, "./")) name.erase(0, 2);
  while (name.size() > 1 && absl::EndsWith(name, "/")) name.pop_back();
  return name;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string LibarchiveError(archive* a, const char* what) {
  const char* e = archive_error_string(a);
  return absl::StrCat(what, ": ", e ? e : "unknown error");
}

}  // namespace

const std::vector<FlavorRow>& FakeFlavors() {
  static const std::vector<FlavorRow>* const rows = new std::vector<FlavorRow>{
      {"cri-o", "CRI-O"},
      {"containerd", "containerd"},
      {"containerd-2.0", "containerd"},
  };
  return *rows;
}

std::string WriteFakeArchive(const std::string& path, const std::string& flavor,
                             const std::string& pages, const FakeContainer& c) {
  absl::StatusOr<fakecri::ArchiveFlavor> f = fakecri::ParseArchiveFlavor(flavor);
  if (!f.ok()) return std::string(f.status().message());
  absl::StatusOr<fakecri::PagesMode> p = fakecri::ParsePagesMode(pages);
  if (!p.ok()) return std::string(p.status().message());
  fakecri::ArchiveSpec spec;
  spec.flavor = *f;
  spec.pages = *p;
  spec.container.id = std::string(64, 'c');
  spec.container.sandbox_id = std::string(64, 's');
  spec.container.name = c.name;
  spec.container.attempt = 0;
  spec.container.image = c.image;
  spec.container.image_ref = c.image_ref;
  spec.container.command = {"/usr/bin/counter", "--every", "1s"};
  spec.container.state = fakecri::ContainerState::kRunning;
  spec.container.created_at = 1'795'690'000'123'456'789;
  spec.container.started_at = 1'795'690'001'000'000'000;
  spec.container.log_path = "/var/log/pods/shop_web/counter/0.log";
  spec.container.working_set_bytes = c.working_set_bytes;
  // Changes to the root filesystem, so that CRI-O's layout carries
  // rootfs-diff.tar and deleted.files too.
  spec.container.rootfs_changes = {"/var/lib/counter/state"};
  spec.container.rootfs_deletions = {"/etc/motd"};
  spec.sandbox.id = spec.container.sandbox_id;
  spec.sandbox.name = c.pod;
  spec.sandbox.ns = c.ns;
  spec.sandbox.uid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
  spec.runtime_version = "test";
  spec.checkpointed_at_ns = 1'795'690'100'987'654'321;
  spec.fixed_cost_ns = 300'000'000;
  spec.modelled_ns = 400'000'000;
  FileSink sink(path);
  absl::Status s = fakecri::WriteCheckpointArchive(spec, &sink, [] { return absl::OkStatus(); });
  if (!s.ok()) return std::string(s.message());
  return sink.ok() ? "" : "cannot write " + path;
}

std::map<std::string, std::string> RealArchives(const std::string& dir, std::string* why) {
  // INSPECT_REAL_ARCHIVES overrides the folder (to test without it, say).
  const char* env = getenv("INSPECT_REAL_ARCHIVES");
  const std::string shared = env && *env ? env : KIT_SOURCE_DIR "/../shared/real-archives";
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(shared, ec)) {
    *why = absl::StrCat(shared,
                        " is absent (a user's clone does not have it): the real containerd and "
                        "podman archives are not tested");
    return out;
  }
  for (const auto& e : std::filesystem::directory_iterator(shared, ec)) {
    const std::string name = e.path().filename().string();
    if (!absl::EndsWith(name, ".tar.xz")) continue;
    const std::string plain = name.substr(0, name.size() - 3);
    const std::string dst = absl::StrCat(dir, "/", plain);
    // Decompress with libarchive's raw format and xz filter.
    archive* a = archive_read_new();
    archive_read_support_filter_xz(a);
    archive_read_support_format_raw(a);
    archive_entry* entry = nullptr;
    bool ok = archive_read_open_filename(a, e.path().c_str(), 1 << 16) == ARCHIVE_OK &&
              archive_read_next_header(a, &entry) == ARCHIVE_OK;
    std::ofstream f(dst, std::ios::binary);
    char buf[1 << 16];
    la_ssize_t n = 0;
    while (ok && (n = archive_read_data(a, buf, sizeof buf)) > 0) f.write(buf, n);
    if (n < 0) ok = false;
    if (!ok) *why = LibarchiveError(a, name.c_str());
    archive_read_free(a);
    if (ok) out[plain] = dst;
  }
  if (out.empty() && why->empty()) *why = shared + " holds no .tar.xz archives";
  return out;
}

std::string WriteTar(const std::string& path, const std::vector<TarEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  std::string err;
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
    err = LibarchiveError(a, "open");
  }
  for (const TarEntry& e : entries) {
    if (!err.empty()) break;
    archive_entry* entry = archive_entry_new();
    const bool dir = absl::EndsWith(e.name, "/");
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry, dir ? 0700 : 0600);
    archive_entry_set_size(entry, dir ? 0 : static_cast<la_int64_t>(e.content.size()));
    archive_entry_set_mtime(entry, 1'795'690'100, 0);
    if (archive_write_header(a, entry) != ARCHIVE_OK) err = LibarchiveError(a, "header");
    if (err.empty() && !dir && !e.content.empty() &&
        archive_write_data(a, e.content.data(), e.content.size()) < 0) {
      err = LibarchiveError(a, "data");
    }
    archive_entry_free(entry);
  }
  if (archive_write_close(a) != ARCHIVE_OK && err.empty()) err = LibarchiveError(a, "close");
  archive_write_free(a);
  return err;
}

std::string RewriteTar(const std::string& src, const std::string& dst,
                       const std::map<std::string, std::string>& replace,
                       const std::vector<std::string>& drop) {
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, src.c_str(), 1 << 16) != ARCHIVE_OK) {
    std::string err = LibarchiveError(a, "open");
    archive_read_free(a);
    return err;
  }
  std::vector<TarEntry> entries;
  archive_entry* entry = nullptr;
  std::string err;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    TarEntry e;
    e.name = archive_entry_pathname(entry);
    const std::string name = Normalize(e.name);
    if (archive_entry_filetype(entry) == AE_IFDIR && !absl::EndsWith(e.name, "/")) e.name += "/";
    bool dropped = false;
    for (const std::string& d : drop) dropped |= d == name;
    if (dropped) continue;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) e.content.append(buf, n);
    if (auto it = replace.find(name); it != replace.end()) e.content = it->second;
    entries.push_back(std::move(e));
  }
  archive_read_free(a);
  return WriteTar(dst, entries);
}

std::string CompressCopy(const std::string& src, const std::string& dst,
                         const std::string& filter) {
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  std::string err;
  if (archive_write_add_filter_by_name(a, filter.c_str()) != ARCHIVE_OK) {
    err = LibarchiveError(a, ("filter " + filter).c_str());
  } else if (archive_write_open_filename(a, dst.c_str()) != ARCHIVE_OK) {
    err = LibarchiveError(a, "open");
  } else {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_pathname(entry, "data");
    archive_write_header(a, entry);
    archive_entry_free(entry);
    std::ifstream in(src, std::ios::binary);
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      if (archive_write_data(a, buf, static_cast<size_t>(in.gcount())) < 0) {
        err = LibarchiveError(a, "data");
        break;
      }
    }
    if (archive_write_close(a) != ARCHIVE_OK && err.empty()) err = LibarchiveError(a, "close");
  }
  archive_write_free(a);
  return err;
}

std::optional<std::string> Run(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  return out;
}

std::optional<nlohmann::json> CritDecode(const std::string& file) {
  std::optional<std::string> out = Run("crit decode -i " + Quote(file) + " 2>/dev/null");
  if (!out) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*out, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool Extract(const std::string& archive, const std::string& dir) {
  std::filesystem::create_directories(dir);
  return Run("tar xf " + Quote(archive) + " -C " + Quote(dir) + " 2>&1").has_value();
}

std::vector<std::string> TarNames(const std::string& archive) {
  std::vector<std::string> out;
  std::optional<std::string> text = Run("tar tf " + Quote(archive));
  if (!text) return out;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    out.push_back(Normalize(std::string(line)));
  }
  return out;
}

std::map<std::string, uint64_t> TarSizes(const std::string& archive) {
  std::map<std::string, uint64_t> out;
  std::optional<std::string> text = Run("tar tvf " + Quote(archive));
  if (!text) return out;
  std::istringstream lines(*text);
  std::string mode, owner, date, time, name;
  uint64_t size;
  while (lines >> mode >> owner >> size >> date >> time && std::getline(lines, name)) {
    out[Normalize(name.substr(1))] = size;
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace inspect::testing
