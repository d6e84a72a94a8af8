#include "endpoint/retention.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace endpoint {
namespace {

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

bool SameFile(const RetentionIndex::Entry& e, const struct stat& st) {
  return S_ISREG(st.st_mode) && e.dev == static_cast<uint64_t>(st.st_dev) &&
         e.ino == static_cast<uint64_t>(st.st_ino) && e.size == static_cast<uint64_t>(st.st_size) &&
         e.mtime_ns == MtimeNs(st);
}

}  // namespace

RetentionIndex::RetentionIndex(std::string index_file, Clock* clock)
    : file_(std::move(index_file)), clock_(clock) {
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();
}

void RetentionIndex::LoadLocked() {
  std::ifstream in(file_);
  if (!in) return;  // none yet
  std::stringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  std::vector<Entry> loaded;
  bool ok = json.is_object() && json.value("version", 0) == 1 && json.contains("archives") &&
            json["archives"].is_array();
  for (size_t i = 0; ok && i < json["archives"].size(); ++i) {
    const auto& a = json["archives"][i];
    Entry e;
    ok = a.is_object() && a.contains("path") && a["path"].is_string() && a.contains("namespace") &&
         a["namespace"].is_string() && a.contains("pod") && a["pod"].is_string() &&
         a.contains("container") && a["container"].is_string();
    for (const char* key : {"written_ns", "dev", "ino", "size", "mtime_ns"}) {
      ok = ok && a.contains(key) && a[key].is_number_integer();
    }
    if (!ok) break;
    e.path = a["path"];
    e.ns = a["namespace"];
    e.pod = a["pod"];
    e.container = a["container"];
    e.written_ns = a["written_ns"];
    e.dev = a["dev"];
    e.ino = a["ino"];
    e.size = a["size"];
    e.mtime_ns = a["mtime_ns"];
    loaded.push_back(std::move(e));
  }
  if (!ok) {
    const std::string aside = file_ + ".unreadable";
    ::rename(file_.c_str(), aside.c_str());
    kit::LogLine(kit::LogLevel::kWarn,
                 absl::StrCat("retention: ", file_, " is not a valid index; moved to ", aside,
                              " and started an empty one (archives recorded in it are kept)"));
    return;
  }
  entries_ = std::move(loaded);
}

void RetentionIndex::SaveLocked() {
  nlohmann::json archives = nlohmann::json::array();
  for (const Entry& e : entries_) {
    archives.push_back({{"path", e.path},
                        {"namespace", e.ns},
                        {"pod", e.pod},
                        {"container", e.container},
                        {"written_ns", e.written_ns},
                        {"dev", e.dev},
                        {"ino", e.ino},
                        {"size", e.size},
                        {"mtime_ns", e.mtime_ns}});
  }
  const std::string text = nlohmann::json{{"version", 1}, {"archives", archives}}.dump(
                               1, ' ', false, nlohmann::json::error_handler_t::replace) +
                           "\n";
  const std::string temp = file_ + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  bool ok = fd >= 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  if (ok && ::rename(temp.c_str(), file_.c_str()) != 0) ok = false;
  if (!ok) {
    kit::LogLine(kit::LogLevel::kWarn,
                 absl::StrCat("retention: cannot write ", file_, ": ", std::strerror(errno)));
    ::unlink(temp.c_str());
  }
}

void RetentionIndex::Record(const std::string& path, const std::string& ns, const std::string& pod,
                            const std::string& container) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  Entry e;
  e.path = path;
  e.ns = ns;
  e.pod = pod;
  e.container = container;
  e.written_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
          .count();
  e.dev = static_cast<uint64_t>(st.st_dev);
  e.ino = static_cast<uint64_t>(st.st_ino);
  e.size = static_cast<uint64_t>(st.st_size);
  e.mtime_ns = MtimeNs(st);
  std::lock_guard<std::mutex> lock(mu_);
  // One owner per path: whoever wrote it last.
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& old) { return old.path == path; }),
                 entries_.end());
  entries_.push_back(std::move(e));
  SaveLocked();
}

std::vector<std::string> RetentionIndex::Enforce(const std::string& ns, const std::string& pod,
                                                 const std::string& container, size_t keep,
                                                 const ArchiveNamer& namer) {
  std::vector<std::string> deleted;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<size_t> mine;  // indexes, oldest first
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.ns == ns && e.pod == pod && e.container == container) mine.push_back(i);
  }
  if (mine.size() <= keep) return deleted;
  std::stable_sort(mine.begin(), mine.end(), [&](size_t a, size_t b) {
    return entries_[a].written_ns < entries_[b].written_ns;
  });
  std::vector<bool> drop(entries_.size(), false);
  for (size_t k = 0; k + keep < mine.size(); ++k) {
    const Entry& e = entries_[mine[k]];
    if (namer.InUse(e.path)) continue;  // a checkpoint is writing it again
    struct stat st;
    if (::lstat(e.path.c_str(), &st) == 0 && SameFile(e, st)) {
      if (::unlink(e.path.c_str()) == 0) {
        deleted.push_back(e.path);
        kit::LogLine(kit::LogLevel::kInfo, "retention: deleted " + e.path);
      }
    } else {
      kit::LogLine(kit::LogLevel::kInfo,
                   "retention: " + e.path + " is gone or no longer the archive recorded; kept");
    }
    drop[mine[k]] = true;  // deleted, gone, or not ours any more: forgotten
  }
  std::vector<Entry> kept;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(entries_[i]));
  }
  entries_ = std::move(kept);
  SaveLocked();
  return deleted;
}

std::vector<RetentionIndex::Entry> RetentionIndex::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

}  // namespace endpoint
