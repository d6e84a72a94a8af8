#include "inspect/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace inspect {
namespace {

constexpr size_t kBlock = 64 * 1024;

// A filter: its name, libarchive's switch for it, and the bytes a stream
// compressed with it starts with (empty: not sniffed).
struct Filter {
  const char* name;
  int (*enable)(archive*);
  std::string_view magic;
};

const Filter kFilters[] = {
    {"gzip", archive_read_support_filter_gzip, std::string_view("\x1f\x8b", 2)},
    {"zstd", archive_read_support_filter_zstd, std::string_view("\x28\xb5\x2f\xfd", 4)},
    {"xz", archive_read_support_filter_xz, std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6)},
    {"bzip2", archive_read_support_filter_bzip2, std::string_view("BZh", 3)},
    {"lz4", archive_read_support_filter_lz4, std::string_view("\x04\x22\x4d\x18", 4)},
    {"lzma", archive_read_support_filter_lzma, std::string_view()},
};

// std::string_view has no starts_with before C++20, and this abseil's
// string_view is its own type.
bool Starts(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool Ends(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool LooksTruncated(const char* error) {
  if (error == nullptr) return false;
  return absl::StrContains(error, "runcated") || absl::StrContains(error, "Premature end") ||
         absl::StrContains(error, "unexpected end") || absl::StrContains(error, "Unexpected EOF");
}

// What the file starts with, by magic bytes: "gzip", "zstd", ... or "".
std::string SniffCompression(int fd) {
  char head[8] = {};
  ssize_t n = pread(fd, head, sizeof head, 0);
  if (n <= 0) return "";
  std::string_view got(head, static_cast<size_t>(n));
  for (const Filter& f : kFilters) {
    if (!f.magic.empty() && Starts(got, f.magic)) return f.name;
  }
  return "";
}

TarMember MemberOf(archive_entry* entry) {
  TarMember m;
  const char* name = archive_entry_pathname(entry);
  m.path = NormalizeMemberPath(name ? name : "");
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      m.type = TarMember::Type::kFile;
      break;
    case AE_IFDIR:
      m.type = TarMember::Type::kDirectory;
      break;
    case AE_IFLNK:
      m.type = TarMember::Type::kSymlink;
      break;
    default:
      m.type = TarMember::Type::kOther;
  }
  m.size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
  m.mode = archive_entry_perm(entry) & 07777;
  m.mtime = archive_entry_mtime(entry);
  return m;
}

// The nested archive's reader pulls the outer member's data through this.
struct NestedSource {
  archive* outer;
  uint64_t* data_read;
  bool outer_failed = false;
  std::string outer_error;
  char buf[kBlock];
};

la_ssize_t NestedRead(archive* inner, void* client, const void** buffer) {
  auto* src = static_cast<NestedSource*>(client);
  la_ssize_t n = archive_read_data(src->outer, src->buf, sizeof src->buf);
  if (n < 0) {
    src->outer_failed = true;
    const char* e = archive_error_string(src->outer);
    src->outer_error = e ? e : "read error";
    archive_set_error(inner, EIO, "%s", src->outer_error.c_str());
    return -1;
  }
  *src->data_read += static_cast<uint64_t>(n);
  *buffer = src->buf;
  return n;
}

}  // namespace

const std::vector<std::string>& CompressionFilters() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Filter& f : kFilters) out.push_back(f.name);
    return out;
  }();
  return names;
}

std::string NormalizeMemberPath(std::string_view name) {
  while (Starts(name, "./")) name.remove_prefix(2);
  while (Starts(name, "/")) name.remove_prefix(1);
  while (name.size() > 1 && Ends(name, "/")) name.remove_suffix(1);
  if (name == "." || name == "/") return "";
  return std::string(name);
}

TarStream::TarStream(std::string path, int fd, uint64_t file_size)
    : path_(std::move(path)), fd_(fd), file_size_(file_size) {}

TarStream::~TarStream() {
  if (archive_ != nullptr) archive_read_free(archive_);
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::unique_ptr<TarStream>> TarStream::Open(const std::string& path,
                                                           const TarStreamOptions& options) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, dir ? ": is a directory, not an archive" : ": not a regular file"));
  }
  std::unique_ptr<TarStream> s(new TarStream(path, fd, static_cast<uint64_t>(st.st_size)));
  s->archive_ = archive_read_new();
  for (const Filter& f : kFilters) {
    if (options.disabled_filters.count(f.name) || f.enable(s->archive_) == ARCHIVE_FATAL) {
      s->missing_filters_.insert(f.name);
    }
  }
  archive_read_support_format_tar(s->archive_);
  archive_read_support_format_gnutar(s->archive_);
  if (archive_read_open_fd(s->archive_, fd, kBlock) != ARCHIVE_OK) {
    return s->NotReadable();
  }
  return s;
}

absl::Status TarStream::Fail(const std::string& what) const {
  const char* e = archive_error_string(archive_);
  if (LooksTruncated(e)) return Truncated();
  return absl::DataLossError(
      absl::StrCat(path_, ": ", what, " (libarchive: ", e ? e : "unknown error", ")"));
}

absl::Status TarStream::NotReadable() {
  const std::string sniffed = SniffCompression(fd_);
  if (!sniffed.empty() && missing_filters_.count(sniffed)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": the archive is ", sniffed, "-compressed, and reading ", sniffed,
                     " is not available in this build (", archive_version_details(), ")"));
  }
  if (!sniffed.empty()) compression_ = sniffed;
  const char* e = archive_error_string(archive_);
  if (LooksTruncated(e)) return Truncated();
  if (file_size_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": not a tar archive: the file is empty"));
  }
  if (sniffed.empty() && file_size_ < 512) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": not a tar archive: only ", file_size_,
                                                   " bytes, less than one 512-byte tar header"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path_, ": not a tar archive",
      sniffed.empty() ? "" : absl::StrCat(" (", sniffed, "-compressed, but not a tar inside)"),
      " (libarchive: ", e ? e : "unknown error", ")"));
}

absl::Status TarStream::Truncated() const {
  const std::string end = absl::StrCat(
      path_, ": truncated: the ", compression_ == "none" ? "archive" : compression_ + " stream",
      " ends at byte ", file_size_);
  const std::optional<TarMember>& m = current_ ? current_ : previous_;
  if (!m) return absl::DataLossError(absl::StrCat(end, ", inside the first member's header"));
  if (compression_ != "none") {
    // Where decompression stopped, in the uncompressed stream.
    const uint64_t reached = static_cast<uint64_t>(archive_filter_bytes(archive_, 0));
    if (current_ && reached < data_start_ + current_->size) {
      const uint64_t got = std::max(data_read_, reached > data_start_ ? reached - data_start_ : 0);
      return absl::DataLossError(absl::StrCat(end, ", inside member \"", m->path, "\" (", got,
                                              " of its ", m->size, " bytes decompressed)"));
    }
    return absl::DataLossError(
        absl::StrCat(end, ", after member \"", m->path, "\": the next header is cut"));
  }
  if (current_ && file_size_ < data_start_ + current_->size) {
    const uint64_t present = file_size_ > data_start_ ? file_size_ - data_start_ : 0;
    return absl::DataLossError(absl::StrCat(end, ", inside member \"", m->path, "\" (", present,
                                            " of its ", m->size, " bytes present)"));
  }
  return absl::DataLossError(
      absl::StrCat(end, ", after member \"", m->path, "\": the next header is cut"));
}

absl::StatusOr<std::optional<TarMember>> TarStream::Next() {
  archive_entry* entry = nullptr;
  const int rc = archive_read_next_header(archive_, &entry);
  if (!started_) {
    started_ = true;
    if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN || rc == ARCHIVE_EOF) {
      const char* name = archive_filter_name(archive_, 0);
      compression_ = archive_filter_count(archive_) > 1 && name ? name : "none";
    } else {
      return NotReadable();
    }
  }
  if (rc == ARCHIVE_EOF) {
    // A tar ends with two zero blocks; libarchive also accepts an archive cut
    // at a member boundary, so check that they were there.
    if (current_) {
      const uint64_t data_end = data_start_ + (current_->size + 511) / 512 * 512;
      const uint64_t end = static_cast<uint64_t>(archive_filter_bytes(archive_, 0));
      if (end < data_end + 1024) {
        return absl::DataLossError(
            absl::StrCat(path_, ": truncated: the ",
                         compression_ == "none" ? "archive" : compression_ + " stream",
                         " ends at byte ", file_size_, ", right after member \"", current_->path,
                         "\", without the two zero blocks that end a tar"));
      }
    }
    previous_ = std::move(current_);
    current_.reset();
    return std::optional<TarMember>();
  }
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return Fail("cannot read the next member");
  previous_ = std::move(current_);
  current_ = MemberOf(entry);
  data_start_ = static_cast<uint64_t>(archive_filter_bytes(archive_, 0));
  data_read_ = 0;
  return current_;
}

absl::Status TarStream::ReadChunks(const std::function<absl::Status(std::string_view)>& chunk) {
  char buf[kBlock];
  for (;;) {
    la_ssize_t n = archive_read_data(archive_, buf, sizeof buf);
    if (n < 0) return Fail(absl::StrCat("cannot read member \"", current_->path, "\""));
    if (n == 0) return absl::OkStatus();
    data_read_ += static_cast<uint64_t>(n);
    if (absl::Status s = chunk(std::string_view(buf, static_cast<size_t>(n))); !s.ok()) return s;
  }
}

absl::StatusOr<std::string> TarStream::ReadAll(uint64_t limit) {
  if (current_->size > limit) {
    return absl::ResourceExhaustedError(absl::StrCat(path_, ": member \"", current_->path, "\" is ",
                                                     current_->size, " bytes, more than the ",
                                                     limit, " bytes checkpoint-inspect loads"));
  }
  std::string out;
  out.reserve(static_cast<size_t>(current_->size));
  absl::Status s = ReadChunks([&](std::string_view data) {
    if (out.size() + data.size() > limit) {
      return absl::ResourceExhaustedError(absl::StrCat(path_, ": member \"", current_->path,
                                                       "\" holds more than the ", limit,
                                                       " bytes checkpoint-inspect loads"));
    }
    out.append(data);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status TarStream::ListNestedTar(const std::function<void(const TarMember&)>& member,
                                      std::string* compression) {
  auto src = std::make_unique<NestedSource>();
  src->outer = archive_;
  src->data_read = &data_read_;
  archive* inner = archive_read_new();
  for (const Filter& f : kFilters) {
    if (!missing_filters_.count(f.name)) f.enable(inner);
  }
  archive_read_support_format_tar(inner);
  archive_read_support_format_gnutar(inner);
  const std::string where = absl::StrCat(path_, ": member \"", current_->path, "\"");
  absl::Status result;
  if (archive_read_open(inner, src.get(), nullptr, NestedRead, nullptr) != ARCHIVE_OK) {
    result = absl::DataLossError(
        absl::StrCat(where, ": cannot read (libarchive: ", archive_error_string(inner), ")"));
  }
  bool first = true;
  while (result.ok()) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(inner, &entry);
    if (first && (rc == ARCHIVE_OK || rc == ARCHIVE_WARN || rc == ARCHIVE_EOF)) {
      const char* name = archive_filter_name(inner, 0);
      *compression = archive_filter_count(inner) > 1 && name ? name : "none";
    }
    first = false;
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      if (src->outer_failed) {
        result = LooksTruncated(src->outer_error.c_str())
                     ? Truncated()
                     : absl::DataLossError(absl::StrCat(where, ": ", src->outer_error));
      } else {
        const char* e = archive_error_string(inner);
        result = absl::DataLossError(absl::StrCat(
            where, ": not a readable tar archive (libarchive: ", e ? e : "unknown error", ")"));
      }
      break;
    }
    member(MemberOf(entry));
    if (archive_read_data_skip(inner) != ARCHIVE_OK) {
      result = src->outer_failed
                   ? Truncated()
                   : absl::DataLossError(absl::StrCat(
                         where, ": cannot read (libarchive: ", archive_error_string(inner), ")"));
    }
  }
  archive_read_free(inner);
  return result;
}

}  // namespace inspect
