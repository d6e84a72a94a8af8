#ifndef FAKE_CRI_ARCHIVE_FAULTY_FILE_OPS_H_
#define FAKE_CRI_ARCHIVE_FAULTY_FILE_OPS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "fake-cri/archive/file_ops.h"

namespace fakecri {

// FileOps that passes calls to `inner` but fails the steps it is told to fail:
// used by unit tests (a failure at each step) and by the disk-full and crash
// faults. Not thread-safe: one instance per archive.
class FaultyFileOps final : public FileOps {
 public:
  enum class Step { kOpen, kWrite, kFchmod, kFsync, kLink, kFsyncDir };

  explicit FaultyFileOps(FileOps* inner) : inner_(inner) {}

  // The step fails with `error`.
  void FailAt(Step step, absl::Status error) { fail_[static_cast<int>(step)] = std::move(error); }
  // Writes succeed until `bytes` in all; the one that crosses the limit writes
  // what fits, then `at_limit` runs (if set; e.g. kill the process) and the
  // write fails with ENOSPC.
  void LimitWrites(uint64_t bytes, std::function<void()> at_limit = {}) {
    limit_ = bytes;
    at_limit_ = std::move(at_limit);
  }
  // Also pretend the filesystem has no O_TMPFILE, to exercise the named-temp path.
  void DisableUnnamed() { no_unnamed_ = true; }

  uint64_t written() const { return written_; }
  // Named temporary files created and not yet renamed or unlinked.
  const std::set<std::string>& open_named() const { return named_; }

  absl::Status OpenUnnamed(const std::string& dir, mode_t mode, int* fd) override;
  absl::Status OpenExclusive(const std::string& path, mode_t mode, int* fd) override;
  absl::Status OpenInPlace(const std::string& path, mode_t mode, int* fd) override;
  absl::Status Stat(const std::string& path, struct stat* st) override;
  absl::Status Lstat(const std::string& path, struct stat* st) override;
  absl::Status Write(int fd, const char* data, size_t n) override;
  absl::Status Fchmod(int fd, mode_t mode) override;
  absl::Status Fsync(int fd) override;
  absl::Status LinkUnnamed(int fd, const std::string& path) override;
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override;
  absl::Status Unlink(const std::string& path) override;
  absl::Status Close(int fd) override;
  absl::Status FsyncDir(const std::string& dir) override;

 private:
  std::optional<absl::Status> Failure(Step step) const;
  FileOps* inner_;
  std::optional<absl::Status> fail_[6];
  std::optional<uint64_t> limit_;
  std::function<void()> at_limit_;
  bool no_unnamed_ = false;
  uint64_t written_ = 0;
  std::set<std::string> named_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_FAULTY_FILE_OPS_H_
