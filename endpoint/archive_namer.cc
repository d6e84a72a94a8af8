#include "endpoint/archive_namer.h"

#include <sys/stat.h>

#include <cerrno>
#include <ctime>

#include "absl/strings/str_cat.h"

namespace endpoint {

std::string Rfc3339Local(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  if (off == 0) return std::string(date) + "Z";
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  const int hours = static_cast<int>(off / 3600 % 100), minutes = static_cast<int>(off % 3600 / 60);
  std::string zone(1, sign);
  zone += static_cast<char>('0' + hours / 10);
  zone += static_cast<char>('0' + hours % 10);
  zone += ':';
  zone += static_cast<char>('0' + minutes / 10);
  zone += static_cast<char>('0' + minutes % 10);
  return std::string(date) + zone;
}

std::string KubeletArchiveName(const std::string& checkpoints_dir, const std::string& ns,
                               const std::string& pod, const std::string& container, WallTime t) {
  return checkpoints_dir + "/checkpoint-" + pod + "_" + ns + "-" + container + "-" +
         Rfc3339Local(t) + ".tar";
}

absl::StatusOr<std::string> ArchiveNamer::Reserve(const std::string& ns, const std::string& pod,
                                                  const std::string& container) {
  for (const std::string* part : {&ns, &pod, &container}) {
    if (part->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError("an archive name cannot hold a NUL byte");
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (!unique_) {
    std::string name = KubeletArchiveName(dir_, ns, pod, container, clock_->Now());
    ++in_use_[name];
    return name;
  }
  for (int attempt = 0;; ++attempt) {
    WallTime now = clock_->Now();
    for (auto it = handed_out_.begin(); it != handed_out_.end();) {
      it = now - it->second > std::chrono::minutes(1) && !in_use_.count(it->first)
               ? handed_out_.erase(it)
               : std::next(it);
    }
    std::string name = KubeletArchiveName(dir_, ns, pod, container, now);
    if (!handed_out_.count(name)) {
      struct stat st;
      if (::lstat(name.c_str(), &st) != 0) {
        if (errno != ENOENT) {
          return absl::ErrnoToStatus(errno, absl::StrCat("archive name ", name));
        }
        handed_out_[name] = now;
        ++in_use_[name];
        return name;
      }
    }
    if (attempt >= kMaxUniqueWaits) {
      return absl::ResourceExhaustedError(absl::StrCat("no free archive name for ", ns, "/", pod,
                                                       "/", container, " after ", attempt,
                                                       " seconds (--unique-archive-names)"));
    }
    // Taken: wait for the next whole second (without holding the lock).
    auto since_epoch = now.time_since_epoch();
    auto next = WallTime(std::chrono::duration_cast<std::chrono::seconds>(since_epoch) +
                         std::chrono::seconds(1));
    lock.unlock();
    clock_->SleepUntil(next);
    lock.lock();
  }
}

void ArchiveNamer::Release(const std::string& location) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_use_.find(location);
  if (it != in_use_.end() && --it->second <= 0) in_use_.erase(it);
}

bool ArchiveNamer::InUse(const std::string& location) const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_use_.count(location) > 0;
}

}  // namespace endpoint
