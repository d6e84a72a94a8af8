#include "fake-cri/archive/atomic_file.h"

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {
namespace {
std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}
std::string BaseOf(const std::string& path) { return path.substr(path.rfind('/') + 1); }
}  // namespace

absl::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(FileOps* ops,
                                                               const std::string& final_path,
                                                               mode_t mode) {
  if (final_path.empty() || final_path[0] != '/' || final_path.back() == '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("archive path \"", final_path, "\" is not an absolute file path"));
  }
  std::string dir = DirOf(final_path);
  int fd = -1;
  std::string temp_path;
  absl::Status s = ops->OpenUnnamed(dir, mode, &fd);
  if (absl::IsUnimplemented(s)) {
    temp_path = absl::StrCat(dir, "/.", BaseOf(final_path), ".tmp-", kit::NewId().substr(0, 12));
    s = ops->OpenExclusive(temp_path, mode, &fd);
  }
  if (!s.ok()) return s;
  std::unique_ptr<AtomicFile> file(new AtomicFile(ops, final_path, temp_path, fd));
  if (absl::Status c = ops->Fchmod(fd, mode); !c.ok()) return c;  // destructor cleans up
  return file;
}

AtomicFile::~AtomicFile() {
  if (!committed_) Abandon();
}

void AtomicFile::Abandon() {
  if (fd_ >= 0) {
    (void)ops_->Close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) (void)ops_->Unlink(temp_path_);
  temp_path_.clear();
}

absl::Status AtomicFile::Append(const char* data, size_t n) {
  if (fd_ < 0) return absl::FailedPreconditionError("archive file already closed");
  absl::Status s = ops_->Write(fd_, data, n);
  if (s.ok()) bytes_ += n;
  synced_ = false;
  return s;
}

absl::Status AtomicFile::Sync() {
  if (fd_ < 0) return absl::FailedPreconditionError("archive file already closed");
  if (absl::Status s = ops_->Fsync(fd_); !s.ok()) return s;
  synced_ = true;
  return absl::OkStatus();
}

absl::Status AtomicFile::Commit() {
  if (fd_ < 0) return absl::FailedPreconditionError("archive file already closed");
  if (!synced_) {
    if (absl::Status s = Sync(); !s.ok()) return s;
  }
  absl::Status s = temp_path_.empty() ? ops_->LinkUnnamed(fd_, final_path_)
                                      : ops_->RenameNoReplace(temp_path_, final_path_);
  if (!s.ok()) return s;
  temp_path_.clear();
  // The data is already on disk (fsync above); a failing close cannot lose it.
  (void)ops_->Close(fd_);
  fd_ = -1;
  if (absl::Status d = ops_->FsyncDir(DirOf(final_path_)); !d.ok()) {
    // The name may not survive a crash: take it back rather than report an
    // archive whose existence is not durable.
    (void)ops_->Unlink(final_path_);
    return d;
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace fakecri
