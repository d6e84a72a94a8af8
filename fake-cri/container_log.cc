#include "fake-cri/container_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "fake-cri/archive/file_ops.h"

namespace fakecri {
namespace {

absl::Status PathError(const char* op, const std::string& path, int err) {
  return absl::UnknownError(absl::StrCat(op, " ", path, ": ", GoErrnoText(err)));
}

// os.MkdirAll: every missing parent, mode 0755 (before the umask).
absl::Status MkdirAll(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return PathError("mkdir", dir, ENOTDIR);
  }
  const size_t slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status s = MkdirAll(dir.substr(0, slash)); !s.ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return PathError("mkdir", dir, errno);
  return absl::OkStatus();
}

}  // namespace

std::string GoRfc3339Nano(int64_t wall_ns) {
  const int64_t secs = wall_ns >= 0 ? wall_ns / 1'000'000'000 : (wall_ns + 1) / 1'000'000'000 - 1;
  int64_t frac = wall_ns - secs * 1'000'000'000;
  const time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char head[32];
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = head;
  if (frac != 0) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(frac));
    std::string f = digits;
    while (!f.empty() && f.back() == '0') f.pop_back();
    absl::StrAppend(&out, ".", f);
  }
  return out + "Z";
}

std::string FormatCriLog(int64_t wall_ns, const std::string& stream, const std::string& text,
                         size_t max_line) {
  const std::string head = absl::StrCat(GoRfc3339Nano(wall_ns), " ", stream, " ");
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    absl::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    // bufio's ReadLine drops the "\r" of a "\r\n" ending, as containerd's readLine does.
    if (nl != std::string::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (max_line > 0 && line.size() > max_line) {
      absl::StrAppend(&out, head, "P ", line.substr(0, max_line), "\n");
      line.remove_prefix(max_line);
    }
    absl::StrAppend(&out, head, nl == std::string::npos ? "P " : "F ", line, "\n");
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

absl::Status AppendContainerLog(const std::string& path, const std::string& entries) {
  if (path.empty()) return absl::OkStatus();
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    if (absl::Status s = MkdirAll(path.substr(0, slash)); !s.ok()) return s;
  }
  const int fd = ::open(path.c_str(), O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0640);
  if (fd < 0) return PathError("open", path, errno);
  size_t done = 0;
  while (done < entries.size()) {
    const ssize_t n = ::write(fd, entries.data() + done, entries.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return PathError("write", path, err);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace fakecri
