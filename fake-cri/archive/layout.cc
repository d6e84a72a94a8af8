#include "fake-cri/archive/layout.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake-cri/archive/criu_images.h"
#include "fake-cri/archive/tar_writer.h"
#include "nlohmann/json.hpp"

namespace fakecri {
namespace {

using nlohmann::json;

constexpr size_t kChunkPages = 256;  // 1 MiB of page data per write

std::string Basename(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Kubernetes-style full container name, as CRI-O and containerd build it.
std::string FullName(const ArchiveSpec& s) {
  const Container& c = s.container;
  const Sandbox& sb = s.sandbox;
  return absl::StrCat(c.name, "_", sb.name, "_", sb.ns, "_", sb.uid, "_", c.attempt);
}

std::vector<std::string> ProcessArgs(const Container& c) {
  std::vector<std::string> args = c.command;
  args.insert(args.end(), c.args.begin(), c.args.end());
  if (args.empty()) args = {"/bin/sh", "-c", "sleep infinity"};
  return args;
}

json Annotations(const ArchiveSpec& s) {
  const Container& c = s.container;
  const Sandbox& sb = s.sandbox;
  json a = json::object();
  for (const auto& [k, v] : c.annotations) a[k] = v;
  a["io.kubernetes.pod.name"] = sb.name;
  a["io.kubernetes.pod.namespace"] = sb.ns;
  a["io.kubernetes.pod.uid"] = sb.uid;
  a["io.kubernetes.container.name"] = c.name;
  if (s.flavor == ArchiveFlavor::kCrio) {
    // Keys from CRI-O's annotations; checkpointctl needs io.container.manager
    // and io.kubernetes.cri-o.Metadata (a JSON object with name and attempt).
    a["io.container.manager"] = "cri-o";
    a["io.kubernetes.cri-o.Metadata"] = json{{"name", c.name}, {"attempt", c.attempt}}.dump();
    a["io.kubernetes.cri-o.ContainerID"] = c.id;
    a["io.kubernetes.cri-o.ContainerName"] = "k8s_" + FullName(s);
    a["io.kubernetes.cri-o.ContainerType"] = "container";
    a["io.kubernetes.cri-o.Created"] = Rfc3339Nano(c.created_at);
    a["io.kubernetes.cri-o.Image"] = c.image_ref.empty() ? c.image : c.image_ref;
    a["io.kubernetes.cri-o.ImageName"] = c.image;
    a["io.kubernetes.cri-o.ImageRef"] = c.image_ref;
    a["io.kubernetes.cri-o.Labels"] = json(c.labels).dump();
    a["io.kubernetes.cri-o.LogPath"] = c.log_path;
    a["io.kubernetes.cri-o.SandboxID"] = sb.id;
    a["io.kubernetes.cri-o.SandboxName"] = absl::StrCat("k8s_", sb.name, "_", sb.ns, "_", sb.uid,
                                                        "_", sb.attempt);
  } else {
    // containerd's CRI plugin (DefaultCRIAnnotations); it sets no io.container.manager.
    a["io.kubernetes.cri.container-type"] = "container";
    a["io.kubernetes.cri.container-name"] = c.name;
    a["io.kubernetes.cri.sandbox-id"] = sb.id;
    a["io.kubernetes.cri.sandbox-name"] = sb.name;
    a["io.kubernetes.cri.sandbox-namespace"] = sb.ns;
    a["io.kubernetes.cri.sandbox-uid"] = sb.uid;
    a["io.kubernetes.cri.image-name"] = c.image;
  }
  return a;
}

// The container's OCI runtime spec (config.json), as the runtime would have
// generated it.
std::string SpecDump(const ArchiveSpec& s) {
  const Container& c = s.container;
  json spec;
  spec["ociVersion"] = "1.0.2-dev";
  spec["process"] = {{"user", {{"uid", 0}, {"gid", 0}}},
                     {"args", ProcessArgs(c)},
                     {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                              "HOSTNAME=" + (s.sandbox.hostname.empty() ? s.sandbox.name
                                                                        : s.sandbox.hostname)}},
                     {"cwd", "/"},
                     {"noNewPrivileges", false}};
  spec["root"] = {{"path", absl::StrCat("/var/lib/fake-cri/containers/", c.id, "/rootfs")},
                  {"readonly", false}};
  spec["hostname"] = s.sandbox.hostname.empty() ? s.sandbox.name : s.sandbox.hostname;
  spec["mounts"] = json::array({
      {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"},
       {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
       {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
  });
  spec["annotations"] = Annotations(s);
  spec["linux"] = {
      {"namespaces", json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}},
                                  {{"type", "mount"}}, {{"type", "network"}}})},
      {"cgroupsPath", absl::StrCat("kubepods-besteffort-pod", s.sandbox.uid, ".slice:fake-cri:",
                                   c.id)}};
  return spec.dump(2);
}

// checkpointctl lib/metadata.go ContainerConfig; CRI-O writes it indented,
// containerd compact.
std::string ConfigDump(const ArchiveSpec& s) {
  const Container& c = s.container;
  json cfg;
  cfg["id"] = c.id;
  cfg["name"] = s.flavor == ArchiveFlavor::kCrio ? "k8s_" + FullName(s) : FullName(s);
  cfg["rootfsImage"] = c.image;
  if (!c.image_ref.empty()) cfg["rootfsImageRef"] = c.image_ref;
  cfg["rootfsImageName"] = c.image;
  cfg["runtime"] = s.flavor == ArchiveFlavor::kCrio ? "runc" : "io.containerd.runc.v2";
  cfg["createdTime"] = Rfc3339Nano(c.created_at);
  cfg["checkpointedTime"] = Rfc3339Nano(s.checkpointed_at_ns);
  cfg["restoredTime"] = "0001-01-01T00:00:00Z";
  cfg["restored"] = false;
  return s.flavor == ArchiveFlavor::kCrio ? cfg.dump(2) : cfg.dump();
}

// containerd's container status file (no JSON tags: Go field names).
std::string ContainerdStatusFile(const ArchiveSpec& s) {
  const Container& c = s.container;
  json st = {{"Version", "v1"},      {"Pid", 4242},           {"CreatedAt", c.created_at},
             {"StartedAt", c.started_at}, {"FinishedAt", c.finished_at}, {"ExitCode", c.exit_code},
             {"Reason", c.reason},   {"Message", ""},         {"Resources", nullptr}};
  return st.dump();
}

// CRI ContainerStatus with the protobuf json names, as containerd marshals it.
std::string ContainerdStatusDump(const ArchiveSpec& s) {
  const Container& c = s.container;
  json st = {{"id", c.id},
             {"metadata", {{"name", c.name}, {"attempt", c.attempt}}},
             {"state", static_cast<int>(c.state)},
             {"created_at", c.created_at},
             {"started_at", c.started_at},
             {"image", {{"image", c.image}}},
             {"image_ref", c.image_ref},
             {"labels", c.labels},
             {"annotations", c.annotations},
             {"log_path", c.log_path}};
  return st.dump();
}

uint32_t Micros(int64_t ns) {
  int64_t us = ns / 1000;
  return us > 0xffffffffLL ? 0xffffffffU : static_cast<uint32_t>(us < 0 ? 0 : us);
}

// The page counts, and CRIU's stats split of the modelled time: freezing is part
// of the fixed cost, memory dump and write share the rest, and the tasks stay
// frozen from the end of freezing to the end of the dump.
CriuDumpStats Stats(const ArchiveSpec& s, const CriuProcess& p) {
  CriuDumpStats st;
  int64_t freezing = std::min<int64_t>(s.fixed_cost_ns / 3, 100'000'000);
  int64_t memory = std::max<int64_t>(0, s.modelled_ns - s.fixed_cost_ns);
  st.freezing_us = Micros(freezing);
  st.frozen_us = Micros(s.modelled_ns - freezing);
  st.memdump_us = Micros(memory / 2);
  st.memwrite_us = Micros(memory - memory / 2);
  st.pages_scanned = p.heap_pages;
  st.pages_written = p.present_pages;
  return st;
}

std::string DumpLog(const ArchiveSpec& s, const CriuProcess& p) {
  return absl::StrCat(
      "(00.000000) Version: 3.17.1 (simulated by fake-cri ", s.runtime_version, ")\n",
      "(00.000010) Dumping processes (pid: 1, comm: ", p.comm, ")\n",
      "(00.000020) container ", s.container.id, " (", s.sandbox.ns, "/", s.sandbox.name, "/",
      s.container.name, ")\n", "(00.000030) working set: ", s.container.working_set_bytes,
      " bytes = ", p.heap_pages, " pages (heap VMA in mm-1.img, pages_scanned in stats-dump)\n",
      "(00.000040) pages mode: ", s.pages == PagesMode::kFull ? "full" : "sparse", ", ",
      p.present_pages, " pages in pages-1.img (pages_written in stats-dump)\n",
      "(00.000050) modelled dump time: ", s.modelled_ns / 1000, " us\n",
      "(00.000060) Dumping finished successfully\n");
}

std::string RootfsDiffTar(const ArchiveSpec& s) {
  StringSink sink;
  TarWriter tar(&sink, s.checkpointed_at_ns / 1'000'000'000);
  (void)tar.AddDirectory("tmp");
  (void)tar.AddFile("tmp/app-state",
                    absl::StrCat("state of ", s.container.name, " written before the checkpoint\n"));
  (void)tar.Finish();
  return sink.str();
}

std::string ContainerLog(const ArchiveSpec& s) {
  const Container& c = s.container;
  return absl::StrCat(Rfc3339Nano(c.started_at ? c.started_at : c.created_at), " stdout F ",
                      c.name, " started\n", Rfc3339Nano(s.checkpointed_at_ns), " stdout F ",
                      c.name, " still running at checkpoint\n");
}

absl::Status WritePages(const CriuProcess& p, ByteSink* sink,
                        const std::function<absl::Status()>& check) {
  std::unique_ptr<char[]> buf(new char[kChunkPages * kPageSize]);
  for (uint64_t page = 0; page < p.present_pages;) {
    if (absl::Status s = check(); !s.ok()) return s;
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunkPages, p.present_pages - page));
    for (size_t i = 0; i < n; ++i) FillPage(page + i, buf.get() + i * kPageSize);
    if (absl::Status s = sink->Append(buf.get(), n * kPageSize); !s.ok()) return s;
    page += n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ArchiveFlavor> ParseArchiveFlavor(const std::string& text) {
  if (text == "cri-o") return ArchiveFlavor::kCrio;
  if (text == "containerd") return ArchiveFlavor::kContainerd;
  return absl::InvalidArgumentError(
      absl::StrCat("archive flavor \"", text, "\" is not one of cri-o, containerd"));
}

absl::StatusOr<PagesMode> ParsePagesMode(const std::string& text) {
  if (text == "sparse") return PagesMode::kSparse;
  if (text == "full") return PagesMode::kFull;
  return absl::InvalidArgumentError(
      absl::StrCat("pages mode \"", text, "\" is not one of sparse, full"));
}

std::string Rfc3339Nano(int64_t ns) {
  std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  int64_t frac = ns % 1'000'000'000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac > 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "Z";
}

absl::Status WriteCheckpointArchive(const ArchiveSpec& s, ByteSink* sink,
                                    const std::function<absl::Status()>& check) {
  CriuProcess proc;
  std::vector<std::string> args = ProcessArgs(s.container);
  proc.exe = args.front();
  proc.comm = Basename(proc.exe).substr(0, 15);  // TASK_COMM_LEN - 1
  proc.heap_pages = std::max<uint64_t>(1, (s.container.working_set_bytes + kPageSize - 1) / kPageSize);
  proc.present_pages = s.pages == PagesMode::kFull
                           ? proc.heap_pages
                           : std::min<uint64_t>(proc.heap_pages, kSparseSamplePages);

  TarWriter tar(sink, s.checkpointed_at_ns / 1'000'000'000);
  auto add = [&](const std::string& name, const std::string& content,
                 uint32_t mode = 0600) -> absl::Status {
    if (s.omit.count(name)) return absl::OkStatus();
    if (absl::Status c = check(); !c.ok()) return c;
    return tar.AddFile(name, content, mode);
  };
  const bool crio = s.flavor == ArchiveFlavor::kCrio;
  std::vector<std::pair<std::string, std::string>> front;
  if (!crio) front.push_back({"status", ContainerdStatusFile(s)});
  front.push_back({"config.dump", ConfigDump(s)});
  front.push_back({"spec.dump", SpecDump(s)});
  if (!crio) front.push_back({"status.dump", ContainerdStatusDump(s)});
  front.push_back({"stats-dump", CriuStatsDumpImage(Stats(s, proc))});
  front.push_back({"dump.log", DumpLog(s, proc)});
  for (const auto& [name, content] : front) {
    if (absl::Status st = add(name, content); !st.ok()) return st;
  }

  // checkpointctl needs the directory entry itself, not just files below it.
  if (absl::Status st = tar.AddDirectory("checkpoint", 0700); !st.ok()) return st;
  const std::pair<const char*, std::string> images[] = {
      {"checkpoint/inventory.img", CriuInventoryImage()},
      {"checkpoint/pstree.img", CriuPstreeImage()},
      {"checkpoint/core-1.img", CriuCoreImage(proc)},
      {"checkpoint/ids-1.img", CriuIdsImage()},
      {"checkpoint/fs-1.img", CriuFsImage()},
      {"checkpoint/files.img", CriuFilesImage(proc)},
      {"checkpoint/fdinfo-1.img", CriuFdinfoImage()},
      {"checkpoint/mm-1.img", CriuMmImage(proc)},
      {"checkpoint/pagemap-1.img", CriuPagemapImage(proc)},
  };
  for (const auto& [name, content] : images) {
    if (absl::Status st = add(name, content); !st.ok()) return st;
  }
  if (absl::Status st = check(); !st.ok()) return st;
  if (absl::Status st = tar.AddStreamedFile(
          "checkpoint/pages-1.img", proc.present_pages * kPageSize, 0600,
          [&](ByteSink* body) { return WritePages(proc, body, check); });
      !st.ok()) {
    return st;
  }

  if (absl::Status st = add("rootfs-diff.tar", RootfsDiffTar(s)); !st.ok()) return st;
  if (crio) {
    if (absl::Status st = add("deleted.files", "[\"/tmp/removed-by-app\"]"); !st.ok()) return st;
  }
  // CRI-O stores the log under the annotation key's name; containerd as container.log.
  if (absl::Status st = add(crio ? "io.kubernetes.cri-o.LogPath" : "container.log", ContainerLog(s));
      !st.ok()) {
    return st;
  }
  return tar.Finish();
}

}  // namespace fakecri
