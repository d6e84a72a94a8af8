#include "fake-cri/archive/in_place_file.h"

#include "absl/strings/str_cat.h"

namespace fakecri {

absl::Status GoPathError(const std::string& op, const std::string& path,
                         const absl::Status& cause) {
  const int err = ErrnoOf(cause);
  return absl::UnknownError(
      absl::StrCat(op, " ", path, ": ", err ? GoErrnoText(err) : std::string(cause.message())));
}

absl::StatusOr<std::unique_ptr<InPlaceFile>> InPlaceFile::Open(FileOps* ops,
                                                               const std::string& path,
                                                               mode_t mode) {
  int fd = -1;
  if (absl::Status s = ops->OpenInPlace(path, mode, &fd); !s.ok()) {
    return GoPathError("open", path, s);
  }
  return std::unique_ptr<InPlaceFile>(new InPlaceFile(ops, path, fd));
}

InPlaceFile::~InPlaceFile() {
  if (fd_ >= 0) (void)ops_->Close(fd_);
}

absl::Status InPlaceFile::Append(const char* data, size_t n) {
  if (fd_ < 0) return absl::FailedPreconditionError("archive file already closed");
  if (absl::Status s = ops_->Write(fd_, data, n); !s.ok()) return GoPathError("write", path_, s);
  bytes_ += n;
  return absl::OkStatus();
}

absl::Status InPlaceFile::Close() {
  if (fd_ < 0) return absl::OkStatus();
  absl::Status s = ops_->Close(fd_);
  fd_ = -1;
  if (!s.ok()) return GoPathError("close", path_, s);
  return absl::OkStatus();
}

}  // namespace fakecri
