#include "inspect/archive_scan.h"

#include <ctime>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "inspect/criu_entries.h"
#include "inspect/metadata.h"

namespace inspect {
namespace {

constexpr uint64_t kPageSize = 4096;

// What a member is to us.
enum class Role {
  kConfig,
  kSpec,
  kStatusDump,
  kDeletedFiles,
  kStatsDump,
  kDumpLog,
  kInventory,
  kPstree,
  kCore,
  kPagemap,
  kPages,
  kRootfsDiff,
  kLog,
  kOther,
};

// "checkpoint/<prefix><digits>.img" -> the digits.
std::optional<uint32_t> NumberedImage(const std::string& path, const char* prefix) {
  const std::string head = absl::StrCat("checkpoint/", prefix);
  if (!absl::StartsWith(path, head) || !absl::EndsWith(path, ".img")) return std::nullopt;
  const std::string digits = path.substr(head.size(), path.size() - head.size() - 4);
  if (digits.empty()) return std::nullopt;
  for (char ch : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
  }
  uint32_t n = 0;
  if (!absl::SimpleAtoi(digits, &n)) return std::nullopt;
  return n;
}

Role RoleOf(const TarMember& m) {
  if (m.type != TarMember::Type::kFile) return Role::kOther;
  static const std::pair<const char*, Role> kNamed[] = {
      {"config.dump", Role::kConfig},
      {"spec.dump", Role::kSpec},
      {"status.dump", Role::kStatusDump},
      {"deleted.files", Role::kDeletedFiles},
      {"stats-dump", Role::kStatsDump},
      {"dump.log", Role::kDumpLog},
      {"checkpoint/inventory.img", Role::kInventory},
      {"checkpoint/pstree.img", Role::kPstree},
      {"rootfs-diff.tar", Role::kRootfsDiff},
      // The container's log: containerd 2.1+, Podman, CRI-O (under the
      // annotation key's name).
      {"container.log", Role::kLog},
      {"ctr.log", Role::kLog},
      {"io.kubernetes.cri-o.LogPath", Role::kLog},
  };
  for (const auto& [name, role] : kNamed) {
    if (m.path == name) return role;
  }
  if (NumberedImage(m.path, "core-")) return Role::kCore;
  if (NumberedImage(m.path, "pagemap-")) return Role::kPagemap;
  if (NumberedImage(m.path, "pages-")) return Role::kPages;
  return Role::kOther;
}

std::string Rfc3339(int64_t secs) {
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Everything the pass keeps, decoded afterwards.
struct Gathered {
  bool checkpoint_dir = false;
  std::optional<int64_t> checkpoint_dir_mtime;
  std::map<std::string, std::string> json;  // member -> text
  std::optional<std::string> stats_dump;
  std::optional<std::string> inventory;
  std::optional<std::string> pstree;
  std::map<uint32_t, std::string> cores;        // pid -> image
  std::map<std::string, std::string> pagemaps;  // member -> image
};

// The rest of dump.log's first "Version:" line, read a chunk at a time.
class VersionLineFinder {
 public:
  absl::Status Feed(std::string_view chunk) {
    if (!version_.empty() || scanned_ >= kMaxLogScanBytes) return absl::OkStatus();
    scanned_ += chunk.size();
    pending_.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (Check(std::string_view(pending_).substr(start, nl - start))) break;
    }
    pending_.erase(0, start);
    if (pending_.size() > 4096) pending_.clear();  // an absurd line: not ours
    return absl::OkStatus();
  }
  std::string Finish() {
    if (version_.empty()) Check(pending_);
    return version_;
  }

 private:
  bool Check(std::string_view line) {
    const size_t at = line.find("Version:");
    if (at == std::string_view::npos) return false;
    version_ = std::string(line.substr(at + 8));
    absl::StripAsciiWhitespace(&version_);
    return !version_.empty();
  }
  std::string pending_;
  std::string version_;
  uint64_t scanned_ = 0;
};

absl::Status InMember(const std::string& file, const std::string& member,
                      const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(file, ": member \"", member,
                                                  "\": bad CRIU image: ", status.message()));
}

absl::Status Decode(const std::string& file, const Gathered& g, CheckpointFacts* facts) {
  if (g.inventory) {
    absl::StatusOr<CriuInventory> inv = DecodeInventory(*g.inventory);
    if (!inv.ok()) return InMember(file, "checkpoint/inventory.img", inv.status());
    facts->inventory = *inv;
  }
  if (g.stats_dump) {
    absl::StatusOr<CriuStats> stats = DecodeStats(*g.stats_dump);
    if (!stats.ok()) return InMember(file, "stats-dump", stats.status());
    facts->stats = *stats;
  }
  for (const auto& [member, image] : g.pagemaps) {
    absl::StatusOr<CriuPagemap> pm = DecodePagemap(image);
    if (!pm.ok()) return InMember(file, member, pm.status());
    facts->memory.pages += pm->present_pages();
  }
  facts->memory.bytes = facts->memory.pages * kPageSize;
  if (g.pstree) {
    absl::StatusOr<std::vector<CriuProcessEntry>> tree = DecodePstree(*g.pstree);
    if (!tree.ok()) return InMember(file, "checkpoint/pstree.img", tree.status());
    for (const CriuProcessEntry& e : *tree) {
      ProcessFacts p;
      p.entry = e;
      if (auto it = g.cores.find(e.pid); it != g.cores.end()) {
        absl::StatusOr<CriuCore> core = DecodeCore(it->second);
        if (!core.ok()) {
          return InMember(file, absl::StrCat("checkpoint/core-", e.pid, ".img"), core.status());
        }
        p.comm = core->comm;
      }
      facts->processes.push_back(std::move(p));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckIsCheckpoint(const std::string& file, const Gathered& g) {
  std::vector<std::string> missing;
  if (!g.checkpoint_dir) missing.push_back("checkpoint/ directory");
  if (!g.json.count("config.dump")) missing.push_back("config.dump");
  if (!g.json.count("spec.dump")) missing.push_back("spec.dump");
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(file, ": not a checkpoint archive: no ", absl::StrJoin(missing, ", no ")));
}

}  // namespace

absl::StatusOr<CheckpointFacts> InspectCheckpoint(const std::string& path,
                                                  const ScanOptions& options) {
  absl::StatusOr<std::unique_ptr<TarStream>> opened = TarStream::Open(path, options.tar);
  if (!opened.ok()) return opened.status();
  TarStream& tar = **opened;

  CheckpointFacts facts;
  facts.path = path;
  facts.archive_size = tar.file_size();
  Gathered g;
  VersionLineFinder version;
  for (;;) {
    absl::StatusOr<std::optional<TarMember>> next = tar.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    const TarMember& m = **next;
    ++facts.member_count;
    if (m.path == "checkpoint" && m.type == TarMember::Type::kDirectory) {
      g.checkpoint_dir = true;
      g.checkpoint_dir_mtime = m.mtime;
    } else if (absl::StartsWith(m.path, "checkpoint/")) {
      g.checkpoint_dir = true;
    }
    const Role role = RoleOf(m);
    auto load = [&](uint64_t limit) { return tar.ReadAll(limit); };
    absl::StatusOr<std::string> data = std::string();
    switch (role) {
      case Role::kConfig:
      case Role::kSpec:
      case Role::kStatusDump:
      case Role::kDeletedFiles:
        if (data = load(kMaxJsonBytes); data.ok()) g.json[m.path] = *std::move(data);
        break;
      case Role::kPages:
        facts.memory.pages_files.push_back({m.path, m.size});
        facts.memory.pages_files_bytes += m.size;
        break;
      case Role::kLog:
        facts.logs.push_back(m.path);
        break;
      case Role::kStatsDump:
        if (options.full && (data = load(kMaxImageBytes)).ok()) g.stats_dump = *std::move(data);
        break;
      case Role::kInventory:
        if (options.full && (data = load(kMaxImageBytes)).ok()) g.inventory = *std::move(data);
        break;
      case Role::kPstree:
        if (options.full && (data = load(kMaxImageBytes)).ok()) g.pstree = *std::move(data);
        break;
      case Role::kCore:
        if (options.full && (data = load(kMaxImageBytes)).ok()) {
          g.cores[*NumberedImage(m.path, "core-")] = *std::move(data);
        }
        break;
      case Role::kPagemap:
        if (options.full && (data = load(kMaxImageBytes)).ok())
          g.pagemaps[m.path] = *std::move(data);
        break;
      case Role::kDumpLog:
        if (options.full) {
          if (absl::Status s = tar.ReadChunks([&](std::string_view c) { return version.Feed(c); });
              !s.ok()) {
            return s;
          }
        }
        break;
      case Role::kRootfsDiff:
        if (options.full) {
          RootfsDiffFacts diff;
          diff.size = m.size;
          absl::Status s = tar.ListNestedTar(
              [&](const TarMember& inner) {
                if (inner.path.empty()) return;
                ++diff.member_count;
                if (diff.members.size() < kMaxListedPaths) diff.members.push_back(inner.path);
              },
              &diff.compression);
          if (!s.ok()) return s;
          facts.rootfs_diff = std::move(diff);
        }
        break;
      case Role::kOther:
        break;
    }
    if (!data.ok()) return data.status();
  }
  facts.compression = tar.compression();
  if (absl::Status s = CheckIsCheckpoint(path, g); !s.ok()) return s;

  absl::StatusOr<nlohmann::json> config =
      ParseJsonMember(path, "config.dump", g.json["config.dump"]);
  if (!config.ok()) return config.status();
  absl::StatusOr<nlohmann::json> spec = ParseJsonMember(path, "spec.dump", g.json["spec.dump"]);
  if (!spec.ok()) return spec.status();
  std::optional<nlohmann::json> status_dump;
  if (auto it = g.json.find("status.dump"); it != g.json.end()) {
    absl::StatusOr<nlohmann::json> st = ParseJsonMember(path, "status.dump", it->second);
    if (!st.ok()) return st.status();
    status_dump = *std::move(st);
  }
  absl::StatusOr<ContainerFacts> container =
      ReadContainerFacts(path, *config, *spec, status_dump ? &*status_dump : nullptr);
  if (!container.ok()) return container.status();
  facts.container = *std::move(container);
  if (facts.container.checkpointed_time.empty() && g.checkpoint_dir_mtime) {
    facts.container.checkpointed_time = Rfc3339(*g.checkpoint_dir_mtime);
    facts.container.checkpointed_time_source = "tar mtime of checkpoint/";
  }
  if (auto it = g.json.find("deleted.files"); it != g.json.end()) {
    absl::StatusOr<nlohmann::json> list =
        ParseJsonMember(path, "deleted.files", it->second, /*want_array=*/true);
    if (!list.ok()) return list.status();
    std::vector<std::string> deleted;
    for (const nlohmann::json& item : *list) {
      if (!item.is_string()) {
        return absl::DataLossError(absl::StrCat(path, ": member \"deleted.files\": an entry is ",
                                                item.type_name(), ", expected a string"));
      }
      deleted.push_back(item.get<std::string>());
    }
    facts.deleted_files = std::move(deleted);
  }
  if (options.full) {
    facts.criu_version = version.Finish();
    if (absl::Status s = Decode(path, g, &facts); !s.ok()) return s;
  }
  return facts;
}

}  // namespace inspect
