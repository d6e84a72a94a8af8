#include "inspect/list.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "inspect/report.h"

namespace inspect {
namespace {

bool HasTarSuffix(const std::string& name) {
  static const char* const kSuffixes[] = {".tar",      ".tar.gz", ".tgz",     ".tar.zst",
                                          ".tar.zstd", ".tar.xz", ".tar.bz2", ".tar.lz4"};
  for (const char* s : kSuffixes) {
    if (absl::EndsWith(name, s)) return true;
  }
  return false;
}

std::string Dash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

absl::StatusOr<std::vector<ListRow>> ListCheckpoints(const std::string& dir,
                                                     const ScanOptions& options) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(dir, ": no such directory"));
    return absl::InvalidArgumentError(absl::StrCat(dir, ": cannot list: ", std::strerror(err)));
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (HasTarSuffix(name)) names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());

  std::vector<ListRow> rows;
  for (const std::string& name : names) {
    const std::string path = absl::StrCat(dir, "/", name);
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const bool kubelet_name = absl::StartsWith(name, "checkpoint-");
    ListRow row;
    row.file = name;
    row.size = static_cast<uint64_t>(st.st_size);
    absl::StatusOr<CheckpointFacts> facts = InspectCheckpoint(path, options);
    if (!facts.ok()) {
      // InvalidArgument: not a tar, or a tar that is not a checkpoint.
      if (!kubelet_name && facts.status().code() == absl::StatusCode::kInvalidArgument) continue;
      std::string msg(facts.status().message());
      if (absl::StartsWith(msg, path + ": ")) msg.erase(0, path.size() + 2);
      row.error = msg;
    } else {
      const ContainerFacts& c = facts->container;
      row.ns = c.ns;
      row.pod = c.pod;
      row.container = c.name;
      row.engine = c.engine;
      row.checkpointed = c.checkpointed_time;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string ListText(const std::vector<ListRow>& rows) {
  struct Cells {
    std::string file, size, who, engine, when;
  };
  std::vector<Cells> cells = {
      {"FILE", "SIZE", "NAMESPACE/POD/CONTAINER", "ENGINE", "CHECKPOINTED"}};
  for (const ListRow& r : rows) {
    if (!r.error.empty()) {
      cells.push_back({r.file, HumanBytes(r.size), "error: " + r.error, "", ""});
      continue;
    }
    cells.push_back({r.file, HumanBytes(r.size),
                     absl::StrCat(Dash(r.ns), "/", Dash(r.pod), "/", Dash(r.container)),
                     Dash(r.engine), Dash(r.checkpointed)});
  }
  size_t w_file = 0, w_size = 0, w_who = 0, w_engine = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cells& c = cells[i];
    w_file = std::max(w_file, c.file.size());
    w_size = std::max(w_size, c.size.size());
    const bool error_row = i > 0 && !rows[i - 1].error.empty();
    if (!error_row) w_who = std::max(w_who, c.who.size());
    w_engine = std::max(w_engine, c.engine.size());
  }
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cells& c = cells[i];
    if (i > 0 && !rows[i - 1].error.empty()) {
      absl::StrAppendFormat(&out, "%-*s  %-*s  %s\n", w_file, c.file, w_size, c.size, c.who);
      continue;
    }
    absl::StrAppendFormat(&out, "%-*s  %-*s  %-*s  %-*s  %s\n", w_file, c.file, w_size, c.size,
                          w_who, c.who, w_engine, c.engine, c.when);
  }
  if (rows.empty()) out += "(no checkpoint archives)\n";
  return out;
}

nlohmann::json ListJson(const std::vector<ListRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const ListRow& r : rows) {
    nlohmann::json row = {{"file", r.file}, {"size", r.size}};
    if (!r.error.empty()) {
      row["error"] = r.error;
    } else {
      row["namespace"] = r.ns;
      row["pod"] = r.pod;
      row["container"] = r.container;
      row["engine"] = r.engine;
      row["checkpointed"] = r.checkpointed;
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace inspect
