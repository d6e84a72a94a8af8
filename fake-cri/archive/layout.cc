#include "fake-cri/archive/layout.h"

#include <zlib.h>

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

bool IsCrio(const ArchiveSpec& s) { return s.flavor == ArchiveFlavor::kCrio; }

// The files every runtime bind-mounts into a pod's container (the runtime
// writes them per sandbox); CRI-O lists them in bind.mounts, containerd's rw
// layer records their mount points.
struct BindMount {
  const char* destination;
  const char* file;
};
constexpr BindMount kRuntimeBindMounts[] = {
    {"/etc/hostname", "hostname"}, {"/etc/hosts", "hosts"}, {"/etc/resolv.conf", "resolv.conf"}};

std::string BindSource(const ArchiveSpec& s, const BindMount& m) {
  return IsCrio(s) ? absl::StrCat("/run/containers/storage/overlay-containers/", s.sandbox.id,
                                  "/userdata/", m.file)
                   : absl::StrCat("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/",
                                  s.sandbox.id, "/", m.file);
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
  if (IsCrio(s)) {
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
    a["io.kubernetes.cri-o.SandboxName"] =
        absl::StrCat("k8s_", sb.name, "_", sb.ns, "_", sb.uid, "_", sb.attempt);
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
  spec["process"] = {
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", ProcessArgs(c)},
      {"env",
       {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME=" + (s.sandbox.hostname.empty() ? s.sandbox.name : s.sandbox.hostname)}},
      {"cwd", "/"},
      {"noNewPrivileges", false}};
  spec["root"] = {{"path", absl::StrCat("/var/lib/fake-cri/containers/", c.id, "/rootfs")},
                  {"readonly", false}};
  spec["hostname"] = s.sandbox.hostname.empty() ? s.sandbox.name : s.sandbox.hostname;
  json mounts = json::array({
      {{"destination", "/proc"},
       {"type", "proc"},
       {"source", "proc"},
       {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/dev"},
       {"type", "tmpfs"},
       {"source", "tmpfs"},
       {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
  });
  for (const BindMount& m : kRuntimeBindMounts) {
    mounts.push_back({{"destination", m.destination},
                      {"type", "bind"},
                      {"source", BindSource(s, m)},
                      {"options", {"rbind", "rprivate", "rw"}}});
  }
  spec["mounts"] = mounts;
  spec["annotations"] = Annotations(s);
  spec["linux"] = {{"namespaces", json::array({{{"type", "pid"}},
                                               {{"type", "ipc"}},
                                               {{"type", "uts"}},
                                               {{"type", "mount"}},
                                               {{"type", "network"}}})},
                   {"cgroupsPath", absl::StrCat("kubepods-besteffort-pod", s.sandbox.uid,
                                                ".slice:fake-cri:", c.id)}};
  return spec.dump(2);
}

// checkpointctl lib/metadata.go ContainerConfig; CRI-O writes it indented,
// containerd compact.
std::string ConfigDump(const ArchiveSpec& s) {
  const Container& c = s.container;
  json cfg;
  cfg["id"] = c.id;
  cfg["name"] = IsCrio(s) ? "k8s_" + FullName(s) : FullName(s);
  cfg["rootfsImage"] = c.image;
  if (!c.image_ref.empty()) cfg["rootfsImageRef"] = c.image_ref;
  cfg["rootfsImageName"] = c.image;
  cfg["runtime"] = IsCrio(s) ? "runc" : "io.containerd.runc.v2";
  cfg["createdTime"] = Rfc3339Nano(c.created_at);
  cfg["checkpointedTime"] = Rfc3339Nano(s.checkpointed_at_ns);
  cfg["restoredTime"] = "0001-01-01T00:00:00Z";
  cfg["restored"] = false;
  return IsCrio(s) ? cfg.dump(2) : cfg.dump();
}

// containerd's container status file (no JSON tags: Go field names), as the
// real archive of containerd 2.1.5 holds it.
std::string ContainerdStatusFile(const ArchiveSpec& s) {
  const Container& c = s.container;
  json st = {{"Version", "v1"},
             {"Pid", 4242},
             {"CreatedAt", c.created_at},
             {"StartedAt", c.started_at},
             {"FinishedAt", c.finished_at},
             {"ExitCode", c.exit_code},
             {"Reason", c.reason},
             {"Message", ""},
             {"Resources", nullptr},
             {"Restore", false}};
  return st.dump();
}

// CRI ContainerStatus as containerd marshals it: Go's encoding/json over the
// generated struct (snake_case, numeric state, omitempty drops zero values).
std::string ContainerdStatusDump(const ArchiveSpec& s) {
  const Container& c = s.container;
  json meta = {{"name", c.name}};
  if (c.attempt) meta["attempt"] = c.attempt;
  json st = {{"id", c.id}, {"metadata", meta}};
  if (c.state != ContainerState::kCreated) st["state"] = static_cast<int>(c.state);
  if (c.created_at) st["created_at"] = c.created_at;
  if (c.started_at) st["started_at"] = c.started_at;
  st["image"] = {{"image", c.image}};
  if (!c.image_ref.empty()) st["image_ref"] = c.image_ref;
  if (!c.labels.empty()) st["labels"] = c.labels;
  if (!c.annotations.empty()) st["annotations"] = c.annotations;
  if (!c.log_path.empty()) st["log_path"] = c.log_path;
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
      "(00.000000) Version: 3.17.1 (simulated by fake-cri for ", s.runtime_version, ")\n",
      "(00.000010) Dumping processes (pid: 1, comm: ", p.comm, ")\n", "(00.000020) container ",
      s.container.id, " (", s.sandbox.ns, "/", s.sandbox.name, "/", s.container.name, ")\n",
      "(00.000030) working set: ", s.container.working_set_bytes, " bytes = ", p.heap_pages,
      " pages (heap VMA in mm-1.img, pages_scanned in stats-dump)\n",
      "(00.000040) pages mode: ", s.pages == PagesMode::kFull ? "full" : "sparse", ", ",
      p.present_pages, " pages in pages-1.img (pages_written in stats-dump)\n",
      "(00.000050) modelled dump time: ", s.modelled_ns / 1000, " us\n",
      "(00.000060) Dumping finished successfully\n");
}

// Adds `path` (inside the root filesystem) and its missing parent directories.
void AddChangedFile(TarWriter* tar, std::vector<std::string>* dirs, const std::string& path,
                    const std::string& content, uint32_t mode) {
  std::string rel = path;
  while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
  for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
    std::string dir = rel.substr(0, slash);
    if (std::find(dirs->begin(), dirs->end(), dir) == dirs->end()) {
      dirs->push_back(dir);
      (void)tar->AddDirectory(dir, 0755);
    }
  }
  (void)tar->AddFile(rel, content, mode);
}

// The container's rw layer diff. containerd's holds the runtime's bind-mount
// points (empty files, as in the real archive) and the container's changes;
// CRI-O drops bind-mount destinations from its diff.
std::string RootfsDiffTar(const ArchiveSpec& s) {
  StringSink sink;
  TarWriter tar(&sink, s.checkpointed_at_ns / 1'000'000'000, LayoutTarStyle(s.flavor));
  std::vector<std::string> dirs;
  if (!IsCrio(s)) {
    for (const BindMount& m : kRuntimeBindMounts)
      AddChangedFile(&tar, &dirs, m.destination, "", 0755);
  }
  for (const std::string& path : s.container.rootfs_changes) {
    AddChangedFile(&tar, &dirs, path,
                   absl::StrCat("written by ", s.container.name, " before the checkpoint\n"), 0644);
  }
  (void)tar.Finish();
  return sink.str();
}

// gzip as Go's compress/gzip writes it (no name, mtime 0, OS byte 255).
std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  gz_header header{};
  header.os = 255;
  deflateSetHeader(&z, &header);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ContainerLog(const ArchiveSpec& s) {
  const Container& c = s.container;
  return absl::StrCat(Rfc3339Nano(c.started_at ? c.started_at : c.created_at), " stdout F ", c.name,
                      " started\n", Rfc3339Nano(s.checkpointed_at_ns), " stdout F ", c.name,
                      " still running at checkpoint\n");
}

std::string BindMountsJson(const ArchiveSpec& s) {
  json list = json::array();
  for (const BindMount& m : kRuntimeBindMounts) {
    list.push_back({{"source", BindSource(s, m)},
                    {"destination", m.destination},
                    {"file_type", "file"},
                    {"permissions", 0644}});
  }
  return list.dump();
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

// One member of an archive: a directory, a file made in memory, or the pages
// image, which is streamed.
struct Member {
  std::string name;
  uint32_t mode;
  enum Kind { kDir, kFile, kPages } kind;
  std::function<std::string()> content;  // kFile
};

// The members of a layout, in the order its runtime writes them. Each line says
// when the runtime writes the member and with which mode, as the real archives
// of containerd 2.1.5 and podman (runc + CRIU, the export CRI-O shares) show and
// the sources say: crio internal/lib/checkpoint.go@v1.34.0 exportCheckpoint
// (include list order, then the storage archive's directory walk), ctrd F2@v2.1.5
// CheckpointContainer (archive.Diff: one walk, byte order).
std::vector<Member> Members(const ArchiveSpec& s, const CriuProcess& proc) {
  const Container& c = s.container;
  std::vector<Member> images = {
      {"checkpoint/core-1.img", 0644, Member::kFile, [&] { return CriuCoreImage(proc); }},
      {"checkpoint/descriptors.json", 0644, Member::kFile,
       [] { return std::string("[\"/dev/null\",\"pipe:[4242001]\",\"pipe:[4242002]\"]"); }},
      {"checkpoint/fdinfo-1.img", 0644, Member::kFile, [] { return CriuFdinfoImage(); }},
      {"checkpoint/files.img", 0644, Member::kFile, [&] { return CriuFilesImage(proc); }},
      {"checkpoint/fs-1.img", 0644, Member::kFile, [] { return CriuFsImage(); }},
      {"checkpoint/ids-1.img", 0644, Member::kFile, [] { return CriuIdsImage(); }},
      {"checkpoint/inventory.img", 0644, Member::kFile, [] { return CriuInventoryImage(); }},
      {"checkpoint/mm-1.img", 0644, Member::kFile, [&] { return CriuMmImage(proc); }},
      {"checkpoint/pagemap-1.img", 0644, Member::kFile, [&] { return CriuPagemapImage(proc); }},
      {"checkpoint/pages-1.img", 0644, Member::kPages, {}},
      {"checkpoint/pstree.img", 0644, Member::kFile, [] { return CriuPstreeImage(); }},
  };
  std::vector<Member> out;
  auto add = [&](std::string name, uint32_t mode, std::function<std::string()> content) {
    out.push_back({std::move(name), mode, Member::kFile, std::move(content)});
  };
  auto add_checkpoint_dir = [&](uint32_t dir_mode) {
    out.push_back({"checkpoint", dir_mode, Member::kDir, {}});
    out.insert(out.end(), images.begin(), images.end());
  };
  if (IsCrio(s)) {
    // CRIU writes stats-dump and dump.log (0644); runc makes the image
    // directory 0600 (runc checkpoint.go, and the podman archive).
    add("stats-dump", 0644, [&] { return CriuStatsDumpImage(Stats(s, proc)); });
    add("dump.log", 0644, [&] { return DumpLog(s, proc); });
    add_checkpoint_dir(0600);
    add("config.dump", 0600, [&] { return ConfigDump(s); });
    add("spec.dump", 0600, [&] { return SpecDump(s); });
    add("bind.mounts", 0600, [&] { return BindMountsJson(s); });
    if (!c.rootfs_changes.empty()) add("rootfs-diff.tar", 0644, [&] { return RootfsDiffTar(s); });
    if (!c.rootfs_deletions.empty()) {
      add("deleted.files", 0600, [&] { return json(c.rootfs_deletions).dump(); });
    }
    // CRI-O stores the log under the annotation key's name.
    if (!c.log_path.empty())
      add("io.kubernetes.cri-o.LogPath", 0644, [&] { return ContainerLog(s); });
    return out;
  }
  // containerd: byte order; the CRIU images, spec.dump and the layer are
  // os.Create'd (0644), the rest 0600, the image directory 0700.
  add_checkpoint_dir(0700);
  add("config.dump", 0600, [&] { return ConfigDump(s); });
  const bool v21 = s.flavor == ArchiveFlavor::kContainerd;
  if (v21 && !c.log_path.empty()) add("container.log", 0600, [&] { return ContainerLog(s); });
  if (v21) add("dump.log", 0600, [&] { return DumpLog(s, proc); });
  add("rootfs-diff.tar", 0644, [&] { return Gzip(RootfsDiffTar(s)); });
  add("spec.dump", 0644, [&] { return SpecDump(s); });
  if (v21) {
    add("stats-dump", 0600, [&] { return CriuStatsDumpImage(Stats(s, proc)); });
    add("status", 0600, [&] { return ContainerdStatusFile(s); });
    add("status.dump", 0600, [&] { return ContainerdStatusDump(s); });
  }
  return out;
}

}  // namespace

TarStyle LayoutTarStyle(ArchiveFlavor flavor) {
  return flavor == ArchiveFlavor::kCrio ? TarStyle{true, "root"} : TarStyle{false, ""};
}

absl::StatusOr<ArchiveFlavor> ParseArchiveFlavor(const std::string& text) {
  for (ArchiveFlavor f :
       {ArchiveFlavor::kCrio, ArchiveFlavor::kContainerd, ArchiveFlavor::kContainerd20}) {
    if (text == ArchiveFlavorName(f)) return f;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "archive layout \"", text, "\" is not one of cri-o, containerd, containerd-2.0"));
}

const char* ArchiveFlavorName(ArchiveFlavor flavor) {
  switch (flavor) {
    case ArchiveFlavor::kCrio:
      return "cri-o";
    case ArchiveFlavor::kContainerd:
      return "containerd";
    case ArchiveFlavor::kContainerd20:
      return "containerd-2.0";
  }
  return "?";
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
  proc.heap_pages =
      std::max<uint64_t>(1, (s.container.working_set_bytes + kPageSize - 1) / kPageSize);
  proc.present_pages = s.pages == PagesMode::kFull
                           ? proc.heap_pages
                           : std::min<uint64_t>(proc.heap_pages, kSparseSamplePages);

  TarWriter tar(sink, s.checkpointed_at_ns / 1'000'000'000, LayoutTarStyle(s.flavor));
  for (const Member& m : Members(s, proc)) {
    if (s.omit.count(m.name)) continue;
    if (absl::Status c = check(); !c.ok()) return c;
    absl::Status st;
    switch (m.kind) {
      case Member::kDir:
        // checkpointctl needs the directory entry itself, not just files below it.
        st = tar.AddDirectory(m.name, m.mode);
        break;
      case Member::kFile:
        st = tar.AddFile(m.name, m.content(), m.mode);
        break;
      case Member::kPages:
        st = tar.AddStreamedFile(m.name, proc.present_pages * kPageSize, m.mode,
                                 [&](ByteSink* body) { return WritePages(proc, body, check); });
        break;
    }
    if (!st.ok()) return st;
  }
  return tar.Finish();
}

}  // namespace fakecri
