#include "endpoint/auth/read_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace endpoint {
namespace {

absl::Status ReadError(const std::string& path, absl::string_view what, int error) {
  std::string message = absl::StrCat(what, " ", path, ": cannot read: ", std::strerror(error));
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

}  // namespace

absl::StatusOr<std::string> ReadConfigFile(const std::string& path, absl::string_view what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadError(path, what, errno);
  std::string contents;
  char chunk[8192];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      return ReadError(path, what, error);
    }
    if (n == 0) break;
    if (contents.size() + static_cast<size_t>(n) > kMaxConfigFileBytes) {
      ::close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat(what, " ", path, ": larger than ", kMaxConfigFileBytes >> 20, " MiB"));
    }
    contents.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return contents;
}

}  // namespace endpoint
