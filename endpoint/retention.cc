#include "endpoint/retention.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace endpoint {

bool IsArchiveStamp(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS then Z or +HH:MM / -HH:MM.
  auto digits = [&](size_t from, size_t n) {
    if (from + n > s.size()) return false;
    for (size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  };
  if (s.size() < 20) return false;
  if (!(digits(0, 4) && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2) &&
        s[10] == 'T' && digits(11, 2) && s[13] == ':' && digits(14, 2) && s[16] == ':' &&
        digits(17, 2))) {
    return false;
  }
  if (s.size() == 20) return s[19] == 'Z';
  return s.size() == 25 && (s[19] == '+' || s[19] == '-') && digits(20, 2) && s[22] == ':' &&
         digits(23, 2);
}

std::vector<std::string> EnforceRetention(const ArchiveNamer& namer, const std::string& ns,
                                          const std::string& pod, const std::string& container,
                                          size_t keep) {
  const std::string prefix = absl::StrCat("checkpoint-", pod, "_", ns, "-", container, "-");
  struct Archive {
    std::string path;
    std::filesystem::file_time_type mtime;
  };
  std::vector<Archive> mine;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(namer.dir(), ec)) {
    std::string name = e.path().filename().string();
    if (name.size() <= prefix.size() + 4 || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - 4, 4, ".tar") != 0) {
      continue;
    }
    if (!IsArchiveStamp(name.substr(prefix.size(), name.size() - prefix.size() - 4))) continue;
    if (!e.is_regular_file(ec) || e.is_symlink(ec)) continue;
    mine.push_back({e.path().string(), e.last_write_time(ec)});
  }
  std::vector<std::string> deleted;
  if (mine.size() <= keep) return deleted;
  // Newest first; equal times fall back to the name (its stamp).
  std::sort(mine.begin(), mine.end(), [](const Archive& a, const Archive& b) {
    return a.mtime != b.mtime ? a.mtime > b.mtime : a.path > b.path;
  });
  for (size_t i = keep; i < mine.size(); ++i) {
    if (namer.InUse(mine[i].path)) continue;
    if (::unlink(mine[i].path.c_str()) == 0) {
      deleted.push_back(mine[i].path);
      kit::LogLine(kit::LogLevel::kInfo, "retention: deleted " + mine[i].path);
    }
  }
  return deleted;
}

}  // namespace endpoint
