#ifndef FAKE_CRI_ARCHIVE_ATOMIC_FILE_H_
#define FAKE_CRI_ARCHIVE_ATOMIC_FILE_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "fake-cri/archive/byte_sink.h"
#include "fake-cri/archive/file_ops.h"

namespace fakecri {

// A file that appears at its final path complete or not at all.
//
// Bytes go to an unnamed O_TMPFILE in the final directory (or, where the
// filesystem lacks O_TMPFILE, a hidden `.<name>.tmp-<random>` created
// O_CREAT|O_EXCL|O_NOFOLLOW). The mode is set at creation and again with fchmod,
// so the file is never more open than `mode`, umask or ACLs aside. Commit()
// fsyncs, then links (or renames with RENAME_NOREPLACE) it to the final path,
// which never replaces an existing file and never follows a symlink there, and
// fsyncs the directory. Destroying an uncommitted file removes every trace of it;
// a process killed mid-write leaves nothing behind in the O_TMPFILE case.
// Not thread-safe.
class AtomicFile final : public ByteSink {
 public:
  // REQUIRES: final_path is absolute. NOT_FOUND when its directory is missing.
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(FileOps* ops,
                                                            const std::string& final_path,
                                                            mode_t mode);
  ~AtomicFile() override;

  absl::Status Append(const char* data, size_t n) override;
  using ByteSink::Append;
  uint64_t bytes_written() const { return bytes_; }
  // Whether the temporary file has a name (no O_TMPFILE here).
  bool named_temp() const { return !temp_path_.empty(); }
  // Flushes the data to disk (Commit does it too, if not done already).
  absl::Status Sync();
  absl::Status Commit();

 private:
  AtomicFile(FileOps* ops, std::string final_path, std::string temp_path, int fd)
      : ops_(ops), final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd) {}
  void Abandon();

  FileOps* ops_;
  std::string final_path_;
  std::string temp_path_;  // empty for an unnamed file
  int fd_;
  uint64_t bytes_ = 0;
  bool synced_ = false;
  bool committed_ = false;
};

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_ATOMIC_FILE_H_
