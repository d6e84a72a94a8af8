#include "endpoint/checkpoints_dir.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace endpoint {
namespace {

// An errno as Go's syscall.Errno prints it ("file exists", not "File exists").
std::string GoErrnoText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

absl::Status PrepareCheckpointsDir(const std::string& root_dir, bool tighten) {
  // setupDataDirs: os.MkdirAll(rootDir, 0750), then, with the gate on,
  // os.MkdirAll(checkpointsDir, 0700) ("error creating checkpoint directory").
  struct stat st;
  if (::stat(root_dir.c_str(), &st) != 0) {
    if (errno != ENOENT || ::mkdir(root_dir.c_str(), 0750) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("--root-dir ", root_dir, ": ", std::strerror(errno)));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--root-dir ", root_dir, ": not a directory"));
  }
  const std::string dir = root_dir + "/checkpoints";
  if (!tighten) {
    // MkdirAll: stat (following a symlink); a directory is fine as it is,
    // whatever its mode; anything else that exists is an error; else mkdir
    // 0700 (less the umask).
    if (::stat(dir.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return absl::OkStatus();
      return absl::FailedPreconditionError(
          absl::StrCat("error creating checkpoint directory: mkdir ", dir, ": not a directory"));
    }
    if (::mkdir(dir.c_str(), 0700) != 0) {
      const int err = errno;
      if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return absl::OkStatus();
      return absl::FailedPreconditionError(
          absl::StrCat("error creating checkpoint directory: mkdir ", dir, ": ", GoErrnoText(err)));
    }
    return absl::OkStatus();
  }
  // --tighten-checkpoints-dir (beyond upstream): exactly 0700, never through a symlink.
  if (::lstat(dir.c_str(), &st) != 0) {
    if (::mkdir(dir.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("creating ", dir, ": ", std::strerror(errno)));
    }
    ::chmod(dir.c_str(), 0700);  // whatever the umask
    return absl::OkStatus();
  }
  if (S_ISLNK(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir,
        " is a symlink; with --tighten-checkpoints-dir archives are never written through one"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
  }
  if ((st.st_mode & 07777) != 0700) {
    if (::chmod(dir.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("chmod 0700 ", dir, ": ", std::strerror(errno)));
    }
    kit::LogLine(kit::LogLevel::kWarn,
                 absl::StrCat(dir, " had mode ", (st.st_mode >> 6) & 7, (st.st_mode >> 3) & 7,
                              st.st_mode & 7, "; tightened to 0700"));
  }
  return absl::OkStatus();
}

absl::Status CheckCheckpointsDir(const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoints directory ", dir, ": ", GoErrnoText(errno)));
  }
  if (S_ISLNK(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoints directory ", dir,
        " has become a symlink; with --tighten-checkpoints-dir archives are never written "
        "through one"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoints directory ", dir, " is no longer a directory"));
  }
  if ((st.st_mode & 07777) != 0700) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoints directory ", dir, " has mode ", (st.st_mode >> 6) & 7, (st.st_mode >> 3) & 7,
        st.st_mode & 7, "; with --tighten-checkpoints-dir it must stay 0700"));
  }
  return absl::OkStatus();
}

}  // namespace endpoint
