#ifndef INSPECT_TAR_STREAM_H_
#define INSPECT_TAR_STREAM_H_

// Reads a tar archive member by member with libarchive (a reader fuzzed
// upstream; none of our writer's code), through whatever compression filter
// the file uses. Memory stays bounded: member data is either skipped, read in
// chunks, or loaded whole only up to a caller's limit. Errors name the file
// and, for a truncated archive, where it ends. Not thread-safe; one instance
// per file.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct archive;

namespace inspect {

struct TarMember {
  std::string path;  // "./" prefix and trailing "/" removed
  enum class Type { kFile, kDirectory, kSymlink, kOther } type = Type::kFile;
  uint64_t size = 0;
  uint32_t mode = 0;  // permission bits
  int64_t mtime = 0;  // seconds since the epoch
};

struct TarStreamOptions {
  // Compression filters not to enable (names as CompressionFilters() lists
  // them). Default: none, every filter this libarchive supports is on. A seam
  // for tests of the "filter unavailable" message.
  std::set<std::string> disabled_filters;
};

// The compression filters tried, in order: "gzip", "zstd", "xz", "bzip2",
// "lz4", "lzma".
const std::vector<std::string>& CompressionFilters();

class TarStream {
 public:
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // Opens `path` (a missing file, a directory or an unreadable file is an
  // error naming it).
  static absl::StatusOr<std::unique_ptr<TarStream>> Open(const std::string& path,
                                                         const TarStreamOptions& options = {});

  // The next member's header, or nullopt after the last one. Errors: not a tar
  // archive, a filter that is unavailable, a truncated archive.
  absl::StatusOr<std::optional<TarMember>> Next();

  // The current member's data, whole; an error if it is larger than `limit`.
  absl::StatusOr<std::string> ReadAll(uint64_t limit);

  // Passes the current member's data to `chunk` a block at a time; stops at
  // the first error `chunk` returns.
  absl::Status ReadChunks(const std::function<absl::Status(std::string_view)>& chunk);

  // Treats the current member as a tar archive of its own (plain or
  // compressed) and passes each of its members' paths to `member`, streaming.
  // `compression` receives the nested archive's filter name ("none", "gzip"...).
  absl::Status ListNestedTar(const std::function<void(const TarMember&)>& member,
                             std::string* compression);

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_size_; }
  // "none", "gzip", "zstd", ... once the first header has been read.
  const std::string& compression() const { return compression_; }

 private:
  TarStream(std::string path, int fd, uint64_t file_size);
  absl::Status Fail(const std::string& what) const;
  // Why the first header could not be read: an unavailable filter, not a tar.
  absl::Status NotReadable();
  absl::Status Truncated() const;

  std::string path_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  archive* archive_ = nullptr;
  std::set<std::string> missing_filters_;
  std::string compression_ = "none";
  bool started_ = false;
  // The member being read: its header, where its data starts in the
  // uncompressed stream, and how much of it has been read.
  std::optional<TarMember> current_;
  std::optional<TarMember> previous_;
  uint64_t data_start_ = 0;
  uint64_t data_read_ = 0;
};

// Converts libarchive's (archive-relative) names: "./a/b/" -> "a/b".
std::string NormalizeMemberPath(std::string_view name);

}  // namespace inspect

#endif  // INSPECT_TAR_STREAM_H_
