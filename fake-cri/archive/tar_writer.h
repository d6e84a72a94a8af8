#ifndef FAKE_CRI_ARCHIVE_TAR_WRITER_H_
#define FAKE_CRI_ARCHIVE_TAR_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "fake-cri/archive/byte_sink.h"

namespace fakecri {

// How the header fields of a runtime's tar writer look. Both real layouts
// are Go archive/tar output, but containerd writes headers from scratch (mode
// field holds the permission bits only, empty owner names) while CRI-O's
// containers/storage archive package adds the file type bits to the mode
// (0100644, 0040755) and names the owner (root/root), as the real archives in
// docs/archive.md show.
struct TarStyle {
  bool type_bits_in_mode = false;
  const char* owner_name = "root";
};

// Streams a plain POSIX ustar archive into a sink, one entry at a time; it never
// holds an entry's body in memory. Sizes of 8 GiB and more use the GNU base-256
// size field, which GNU tar, libarchive and Go's archive/tar all read. Names
// longer than 100 bytes use the ustar prefix field. Entries are owned by uid and
// gid 0. Finish() writes the two zero blocks and no record padding, as Go does.
// Not thread-safe.
class TarWriter {
 public:
  TarWriter(ByteSink* sink, int64_t mtime_seconds, TarStyle style = {})
      : sink_(sink), mtime_(mtime_seconds), style_(style) {}

  absl::Status AddDirectory(const std::string& name, uint32_t mode = 0755);
  absl::Status AddFile(const std::string& name, const std::string& content, uint32_t mode = 0644);
  // Writes the header for `size` bytes, then calls `body`, which must append
  // exactly `size` bytes to the sink it is given; pads the entry.
  absl::Status AddStreamedFile(const std::string& name, uint64_t size, uint32_t mode,
                               const std::function<absl::Status(ByteSink*)>& body);
  // The two zero blocks that end an archive.
  absl::Status Finish();

 private:
  absl::Status WriteHeader(const std::string& name, char type, uint64_t size, uint32_t mode);
  absl::Status Pad(uint64_t size);
  ByteSink* sink_;
  int64_t mtime_;
  TarStyle style_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_TAR_WRITER_H_
