#include "fake-cri/archive/file_ops.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fakecri {

namespace {
constexpr char kErrnoPayload[] = "type.googleapis.com/fakecri.Errno";
}  // namespace

absl::Status ErrnoStatus(int err, const std::string& call, const std::string& path) {
  std::string msg = absl::StrCat(call, " ", path, ": ", std::strerror(err));
  absl::Status s;
  switch (err) {
    case EEXIST:
      s = absl::AlreadyExistsError(msg);
      break;
    case ENOENT:
    case ENOTDIR:
      s = absl::NotFoundError(msg);
      break;
    case ENOSPC:
    case EDQUOT:
      s = absl::ResourceExhaustedError(msg);
      break;
    case EACCES:
    case EPERM:
      s = absl::PermissionDeniedError(msg);
      break;
    default:
      s = absl::InternalError(msg);
      break;
  }
  s.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err)));
  return s;
}

int ErrnoOf(const absl::Status& status) {
  auto p = status.GetPayload(kErrnoPayload);
  int err = 0;
  if (!p || !absl::SimpleAtoi(std::string(*p), &err)) return 0;
  return err;
}

std::string GoErrnoText(int err) {
  // Go's syscall error table is generated from the C library's strerror with
  // the first letter lower-cased unless the second is upper case too
  // ("Bad" -> "bad", "STREAM" stays): golang/go src/syscall/mkerrors.sh.
  std::string s = std::strerror(err);
  if (s.size() >= 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z') {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

namespace {

// C's open(2) would stop at a NUL byte and act on another path; Go refuses
// such a path with EINVAL (syscall.ByteSliceFromString), and so do we.
bool HasNul(const std::string& path) { return path.find('\0') != std::string::npos; }

class RealOps final : public FileOps {
 public:
  absl::Status OpenUnnamed(const std::string& dir, mode_t mode, int* fd) override {
    if (HasNul(dir)) return ErrnoStatus(EINVAL, "open", dir);
    int r = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (r < 0) {
      if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
        return absl::UnimplementedError(absl::StrCat("O_TMPFILE not supported in ", dir));
      }
      return ErrnoStatus(errno, "open", dir);
    }
    *fd = r;
    return absl::OkStatus();
  }
  absl::Status OpenExclusive(const std::string& path, mode_t mode, int* fd) override {
    if (HasNul(path)) return ErrnoStatus(EINVAL, "open", path);
    int r = ::open(path.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, mode);
    if (r < 0) return ErrnoStatus(errno, "open", path);
    *fd = r;
    return absl::OkStatus();
  }
  absl::Status OpenInPlace(const std::string& path, mode_t mode, int* fd) override {
    if (HasNul(path)) return ErrnoStatus(EINVAL, "open", path);
    int r = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, mode);
    if (r < 0) return ErrnoStatus(errno, "open", path);
    *fd = r;
    return absl::OkStatus();
  }
  absl::Status Stat(const std::string& path, struct stat* st) override {
    if (HasNul(path)) return ErrnoStatus(EINVAL, "stat", path);
    if (::stat(path.c_str(), st) != 0) return ErrnoStatus(errno, "stat", path);
    return absl::OkStatus();
  }
  absl::Status Lstat(const std::string& path, struct stat* st) override {
    if (HasNul(path)) return ErrnoStatus(EINVAL, "lstat", path);
    if (::lstat(path.c_str(), st) != 0) return ErrnoStatus(errno, "lstat", path);
    return absl::OkStatus();
  }
  absl::Status Write(int fd, const char* data, size_t n) override {
    while (n > 0) {
      ssize_t w = ::write(fd, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write", absl::StrCat("fd ", fd));
      }
      data += w;
      n -= static_cast<size_t>(w);
    }
    return absl::OkStatus();
  }
  absl::Status Fchmod(int fd, mode_t mode) override {
    if (::fchmod(fd, mode) != 0) return ErrnoStatus(errno, "fchmod", absl::StrCat("fd ", fd));
    return absl::OkStatus();
  }
  absl::Status Fsync(int fd) override {
    if (::fsync(fd) != 0) return ErrnoStatus(errno, "fsync", absl::StrCat("fd ", fd));
    return absl::OkStatus();
  }
  absl::Status LinkUnnamed(int fd, const std::string& path) override {
    std::string proc = absl::StrCat("/proc/self/fd/", fd);
    // AT_SYMLINK_FOLLOW resolves the /proc magic link to our file; the new name
    // itself is never followed and never replaced (EEXIST).
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return ErrnoStatus(errno, "link", path);
    }
    return absl::OkStatus();
  }
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override {
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) !=
        0) {
      return ErrnoStatus(errno, "rename", to);
    }
    return absl::OkStatus();
  }
  absl::Status Unlink(const std::string& path) override {
    if (HasNul(path)) return ErrnoStatus(EINVAL, "unlink", path);
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(errno, "unlink", path);
    return absl::OkStatus();
  }
  absl::Status Close(int fd) override {
    if (::close(fd) != 0) return ErrnoStatus(errno, "close", absl::StrCat("fd ", fd));
    return absl::OkStatus();
  }
  absl::Status FsyncDir(const std::string& dir) override {
    if (HasNul(dir)) return ErrnoStatus(EINVAL, "open", dir);
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open", dir);
    int r = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (r != 0) return ErrnoStatus(err, "fsync", dir);
    return absl::OkStatus();
  }
};

}  // namespace

FileOps* RealFileOps() {
  static RealOps* ops = new RealOps();
  return ops;
}

}  // namespace fakecri
