#include "inspect/report.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace inspect {
namespace {

using nlohmann::json;

constexpr size_t kTextListLimit = 50;  // paths printed per list in text; JSON has all

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

void Line(std::string* out, const char* label, const std::string& value) {
  absl::StrAppendFormat(out, "%-15s %s\n", absl::StrCat(label, ":"), value);
}

void Paths(std::string* out, const std::vector<std::string>& paths, uint64_t total) {
  for (size_t i = 0; i < paths.size() && i < kTextListLimit; ++i) {
    absl::StrAppend(out, "  ", paths[i], "\n");
  }
  if (total > kTextListLimit) {
    absl::StrAppend(out, "  ... and ", total - kTextListLimit, " more (--format json lists ",
                    paths.size() < total ? "the first " + std::to_string(paths.size()) : "all",
                    ")\n");
  }
}

// (name, value, unit) rows of CRIU's dump statistics, in stats.proto order.
std::vector<std::tuple<const char*, std::optional<uint64_t>, const char*>> DumpRows(
    const CriuDumpStats& d) {
  return {{"freezing_time", d.freezing_time, "us"},
          {"frozen_time", d.frozen_time, "us"},
          {"memdump_time", d.memdump_time, "us"},
          {"memwrite_time", d.memwrite_time, "us"},
          {"pages_scanned", d.pages_scanned, ""},
          {"pages_skipped_parent", d.pages_skipped_parent, ""},
          {"pages_written", d.pages_written, ""},
          {"irmap_resolve", d.irmap_resolve, "us"},
          {"pages_lazy", d.pages_lazy, ""},
          {"page_pipes", d.page_pipes, ""},
          {"page_pipe_bufs", d.page_pipe_bufs, ""},
          {"shpages_scanned", d.shpages_scanned, ""},
          {"shpages_skipped_parent", d.shpages_skipped_parent, ""},
          {"shpages_written", d.shpages_written, ""}};
}

std::vector<std::tuple<const char*, std::optional<uint64_t>, const char*>> RestoreRows(
    const CriuRestoreStats& r) {
  return {{"pages_compared", r.pages_compared, ""},
          {"pages_skipped_cow", r.pages_skipped_cow, ""},
          {"forking_time", r.forking_time, "us"},
          {"restore_time", r.restore_time, "us"},
          {"pages_restored", r.pages_restored, ""}};
}

void StatsText(
    std::string* out, const char* title,
    const std::vector<std::tuple<const char*, std::optional<uint64_t>, const char*>>& rows) {
  absl::StrAppend(out, title, ":\n");
  for (const auto& [name, value, unit] : rows) {
    if (!value) continue;
    absl::StrAppendFormat(out, "  %-23s %d%s\n", name, *value,
                          *unit ? absl::StrCat(" ", unit) : "");
  }
}

json StatsJson(
    const std::vector<std::tuple<const char*, std::optional<uint64_t>, const char*>>& rows) {
  json out = json::object();
  for (const auto& [name, value, unit] : rows) {
    if (value) out[name] = *value;
  }
  return out;
}

// Depth of each pid in the tree (0 for roots), for indenting comm.
std::map<uint32_t, int> Depths(const std::vector<ProcessFacts>& procs) {
  std::map<uint32_t, uint32_t> parent;
  for (const ProcessFacts& p : procs) parent[p.entry.pid] = p.entry.ppid;
  std::map<uint32_t, int> depth;
  for (const ProcessFacts& p : procs) {
    int d = 0;
    for (uint32_t at = p.entry.pid; parent.count(at) && parent[at] != 0 && d < 64; ++d) {
      at = parent[at];
    }
    depth[p.entry.pid] = d;
  }
  return depth;
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  size_t u = 0;
  while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
    v /= 1024;
    ++u;
  }
  return absl::StrFormat("%.1f %s", v, units[u]);
}

std::string ShowText(const CheckpointFacts& f) {
  const ContainerFacts& c = f.container;
  std::string out;
  Line(&out, "Archive",
       absl::StrCat(f.path, " (", f.archive_size, " bytes, ",
                    f.compression == "none" ? "uncompressed" : f.compression + "-compressed",
                    " tar, ", f.member_count, " members)"));
  Line(&out, "Engine", c.engine);
  Line(&out, "Container",
       absl::StrCat(Or(c.name, "(not recorded)"), c.full_name.empty() || c.full_name == c.name
                                                      ? ""
                                                      : absl::StrCat(" (", c.full_name, ")")));
  Line(&out, "Container ID", Or(c.id, "(not recorded)"));
  Line(&out, "Pod", Or(c.pod, "(none)"));
  Line(&out, "Namespace", Or(c.ns, "(none)"));
  Line(&out, "Image", Or(c.image_name, "(not recorded)"));
  Line(&out, "Image ref", Or(c.image_ref, "(not recorded)"));
  Line(&out, "Runtime", Or(c.runtime, "(not recorded)"));
  Line(&out, "OCI version", Or(c.oci_version, "(not recorded)"));
  std::string criu = Or(f.criu_version, "(no dump.log)");
  if (f.inventory)
    absl::StrAppend(&criu, ", image format ",
                    f.inventory->img_version == 2
                        ? "v1.1"
                        : absl::StrCat("version ", f.inventory->img_version));
  Line(&out, "CRIU", criu);
  Line(&out, "Created", Or(c.created_time, "(not recorded)"));
  Line(&out, "Checkpointed",
       c.checkpointed_time.empty() ? "(not recorded)"
       : c.checkpointed_time_source == "config.dump"
           ? c.checkpointed_time
           : absl::StrCat(c.checkpointed_time, " (", c.checkpointed_time_source, ")"));
  Line(&out, "Memory",
       absl::StrCat(f.memory.pages, " pages, ", f.memory.bytes, " bytes (",
                    HumanBytes(f.memory.bytes), ")"));
  for (const PagesFile& p : f.memory.pages_files) {
    absl::StrAppend(&out, "  ", p.member, "  ", p.size, " bytes\n");
  }
  if (f.rootfs_diff) {
    const RootfsDiffFacts& d = *f.rootfs_diff;
    Line(&out, "Rootfs diff",
         absl::StrCat("rootfs-diff.tar, ", d.size, " bytes, ",
                      d.compression == "none" ? "plain tar" : d.compression + "-compressed tar",
                      ", ", d.member_count, d.member_count == 1 ? " entry" : " entries"));
    Paths(&out, d.members, d.member_count);
  } else {
    Line(&out, "Rootfs diff", "(no rootfs-diff.tar)");
  }
  if (f.deleted_files) {
    Line(&out, "Deleted files", absl::StrCat(f.deleted_files->size()));
    Paths(&out, *f.deleted_files, f.deleted_files->size());
  } else {
    Line(&out, "Deleted files", "(no deleted.files)");
  }
  Line(&out, "Logs", f.logs.empty() ? "(none)" : absl::StrJoin(f.logs, ", "));
  if (f.stats && f.stats->dump) {
    StatsText(&out, "CRIU dump statistics (stats-dump)", DumpRows(*f.stats->dump));
  } else {
    Line(&out, "CRIU stats", f.stats ? "(stats-dump has no dump entry)" : "(no stats-dump)");
  }
  if (f.stats && f.stats->restore) {
    StatsText(&out, "CRIU restore statistics (stats-dump)", RestoreRows(*f.stats->restore));
  }
  if (f.processes.empty()) {
    Line(&out, "Process tree", "(no checkpoint/pstree.img)");
  } else {
    absl::StrAppend(&out, "Process tree (checkpoint/pstree.img):\n");
    absl::StrAppendFormat(&out, "  %-7s %-7s %-7s %-7s %-7s %s\n", "PID", "PPID", "PGID", "SID",
                          "THREADS", "COMM");
    std::map<uint32_t, int> depth = Depths(f.processes);
    for (const ProcessFacts& p : f.processes) {
      absl::StrAppendFormat(&out, "  %-7d %-7d %-7d %-7d %-7d %s%s\n", p.entry.pid, p.entry.ppid,
                            p.entry.pgid, p.entry.sid, p.entry.threads.size(),
                            std::string(2 * depth[p.entry.pid], ' '),
                            p.comm ? *p.comm : "(no core image)");
    }
  }
  return out;
}

json ShowJson(const CheckpointFacts& f) {
  const ContainerFacts& c = f.container;
  json out;
  out["file"] = f.path;
  out["size"] = f.archive_size;
  out["compression"] = f.compression;
  out["members"] = f.member_count;
  out["engine"] = c.engine;
  out["container"] = {
      {"name", c.name},    {"full_name", c.full_name},
      {"id", c.id},        {"pod", c.pod},
      {"namespace", c.ns}, {"image", {{"name", c.image_name}, {"ref", c.image_ref}}}};
  out["runtime"] = {{"name", c.runtime},
                    {"oci_version", c.oci_version},
                    {"criu_version", f.criu_version},
                    {"criu_image_version", f.inventory ? json(f.inventory->img_version) : json()}};
  out["created"] = c.created_time;
  out["checkpointed"] = c.checkpointed_time;
  out["checkpointed_source"] = c.checkpointed_time_source;
  json pages_files = json::array();
  for (const PagesFile& p : f.memory.pages_files) {
    pages_files.push_back({{"member", p.member}, {"size", p.size}});
  }
  out["memory"] = {{"pages", f.memory.pages},
                   {"bytes", f.memory.bytes},
                   {"pages_files", pages_files},
                   {"pages_files_bytes", f.memory.pages_files_bytes}};
  if (f.rootfs_diff) {
    out["rootfs_diff"] = {{"size", f.rootfs_diff->size},
                          {"compression", f.rootfs_diff->compression},
                          {"file_count", f.rootfs_diff->member_count},
                          {"files", f.rootfs_diff->members}};
  } else {
    out["rootfs_diff"] = nullptr;
  }
  out["deleted_files"] = f.deleted_files ? json(*f.deleted_files) : json();
  out["logs"] = f.logs;
  out["criu_dump_stats"] = f.stats && f.stats->dump ? StatsJson(DumpRows(*f.stats->dump)) : json();
  out["criu_restore_stats"] =
      f.stats && f.stats->restore ? StatsJson(RestoreRows(*f.stats->restore)) : json();
  json tree = json::array();
  for (const ProcessFacts& p : f.processes) {
    tree.push_back({{"pid", p.entry.pid},
                    {"ppid", p.entry.ppid},
                    {"pgid", p.entry.pgid},
                    {"sid", p.entry.sid},
                    {"threads", p.entry.threads},
                    {"comm", p.comm ? json(*p.comm) : json()}});
  }
  out["process_tree"] = tree;
  return out;
}

}  // namespace inspect
