#include "fake-cri/archive/faulty_file_ops.h"

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace fakecri {

std::optional<absl::Status> FaultyFileOps::Failure(Step step) const {
  return fail_[static_cast<int>(step)];
}

absl::Status FaultyFileOps::OpenUnnamed(const std::string& dir, mode_t mode, int* fd) {
  if (no_unnamed_) return absl::UnimplementedError("O_TMPFILE disabled");
  if (auto f = Failure(Step::kOpen)) return *f;
  return inner_->OpenUnnamed(dir, mode, fd);
}

absl::Status FaultyFileOps::OpenExclusive(const std::string& path, mode_t mode, int* fd) {
  if (auto f = Failure(Step::kOpen)) return *f;
  absl::Status s = inner_->OpenExclusive(path, mode, fd);
  if (s.ok()) named_.insert(path);
  return s;
}

absl::Status FaultyFileOps::OpenInPlace(const std::string& path, mode_t mode, int* fd) {
  if (auto f = Failure(Step::kOpen)) return *f;
  return inner_->OpenInPlace(path, mode, fd);
}

absl::Status FaultyFileOps::Stat(const std::string& path, struct stat* st) {
  return inner_->Stat(path, st);
}

absl::Status FaultyFileOps::Lstat(const std::string& path, struct stat* st) {
  return inner_->Lstat(path, st);
}

absl::Status FaultyFileOps::Write(int fd, const char* data, size_t n) {
  if (auto f = Failure(Step::kWrite)) return *f;
  if (limit_ && written_ + n > *limit_) {
    size_t fits = static_cast<size_t>(*limit_ - written_);
    if (fits > 0) {
      if (absl::Status s = inner_->Write(fd, data, fits); !s.ok()) return s;
      written_ += fits;
    }
    if (at_limit_) at_limit_();
    return ErrnoStatus(ENOSPC, "write", absl::StrCat("fd ", fd));
  }
  absl::Status s = inner_->Write(fd, data, n);
  if (s.ok()) written_ += n;
  return s;
}

absl::Status FaultyFileOps::Fchmod(int fd, mode_t mode) {
  if (auto f = Failure(Step::kFchmod)) return *f;
  return inner_->Fchmod(fd, mode);
}

absl::Status FaultyFileOps::Fsync(int fd) {
  if (auto f = Failure(Step::kFsync)) return *f;
  return inner_->Fsync(fd);
}

absl::Status FaultyFileOps::LinkUnnamed(int fd, const std::string& path) {
  if (auto f = Failure(Step::kLink)) return *f;
  return inner_->LinkUnnamed(fd, path);
}

absl::Status FaultyFileOps::RenameNoReplace(const std::string& from, const std::string& to) {
  if (auto f = Failure(Step::kLink)) return *f;
  absl::Status s = inner_->RenameNoReplace(from, to);
  if (s.ok()) named_.erase(from);
  return s;
}

absl::Status FaultyFileOps::Unlink(const std::string& path) {
  absl::Status s = inner_->Unlink(path);
  if (s.ok()) named_.erase(path);
  return s;
}

absl::Status FaultyFileOps::Close(int fd) { return inner_->Close(fd); }

absl::Status FaultyFileOps::FsyncDir(const std::string& dir) {
  if (auto f = Failure(Step::kFsyncDir)) return *f;
  return inner_->FsyncDir(dir);
}

}  // namespace fakecri
