// The archive a checkpoint leaves: where, what kind of file, whose, which
// permissions, what is inside, and what is not left beside it
// (docs/archive.md; the node e2e test's entry list). These
// need the checkpoints directory reachable from where the suite runs.

#include <unistd.h>

#include <algorithm>
#include <set>

#include "conformance/framework/checks.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

std::string Base(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::set<std::string> Names(TestContext& t, const std::string& dir) {
  std::string error;
  auto names = ListDirectory(dir, &error);
  if (!error.empty()) t.Fail("cannot list " + error);
  return {names.begin(), names.end()};
}

std::string Join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void RegularFileAtPath(TestContext& t) {
  RequireLocalFiles(t);
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  std::set<std::string> before = Names(t, e.CheckpointsDir());
  std::string path = CheckpointOrSkip(t, c);
  PathFacts f = InspectPath(path);
  if (!f.exists) {
    std::set<std::string> added;
    for (const auto& n : Names(t, e.CheckpointsDir())) {
      if (!before.count(n)) added.insert(n);
    }
    t.Fail("200 named " + path + " but nothing is there" +
           (added.empty() ? std::string(" (and nothing new in the directory)")
                          : "; new in the directory instead: " + Join(added)));
  }
  t.Check(!f.symlink, path + " is a symlink, want a regular file");
  t.Check(f.regular, path + " is not a regular file");
}

void OwnerOnly(TestContext& t) {
  RequireLocalFiles(t);
  const EndpointTarget& e = t.endpoint();
  std::string path = CheckpointOrSkip(t, e.ContainerFor(t.id()));
  PathFacts f = InspectPath(path);
  if (!f.exists || !f.regular) {
    t.Skip("precondition: no regular file at " + path +
           " (archive.regular-file-at-returned-path fails)");
  }
  t.Check(f.mode == 0600, path + " has mode " + ModeText(f.mode) + ", want 0600 (owner only)");
  // The runtime's user: ours when the stack runs in this process; otherwise
  // the owner of the checkpoints directory (kubelet and runtime run as one user).
  uid_t want = e.same_host ? ::geteuid() : InspectPath(e.CheckpointsDir()).uid;
  t.Check(f.uid == want, path + " is owned by uid " + std::to_string(f.uid) + ", want " +
                             std::to_string(want) + " (the runtime's user)");
}

void CheckpointsDir0700(TestContext& t) {
  RequireLocalFiles(t);
  const EndpointTarget& e = t.endpoint();
  PathFacts d = InspectPath(e.CheckpointsDir());
  t.Check(!d.symlink, e.CheckpointsDir() + " is a symlink, want a directory");
  t.Check(d.directory, e.CheckpointsDir() + " is not a directory");
  t.Check(d.mode == 0700, e.CheckpointsDir() + " has mode " + ModeText(d.mode) + ", want 0700");
}

void ReadableTar(TestContext& t) {
  RequireLocalFiles(t);
  std::string path = CheckpointOrSkip(t, t.endpoint().ContainerFor(t.id()));
  PathFacts f = InspectPath(path);
  if (!f.exists || !f.regular) {
    t.Skip("precondition: no regular file at " + path +
           " (archive.regular-file-at-returned-path fails)");
  }
  TarFacts tar = ReadTar(path);
  t.Check(tar.readable, path + " is not a plain tar archive to libarchive: " + tar.error);
  t.Note(std::to_string(tar.names.size()) + " entries");
}

void RequiredEntries(TestContext& t) {
  RequireLocalFiles(t);
  const ContainerRef& c = t.endpoint().ContainerFor(t.id());
  std::string path = CheckpointOrSkip(t, c);
  PathFacts f = InspectPath(path);
  if (!f.exists || !f.regular) {
    t.Skip("precondition: no regular file at " + path +
           " (archive.regular-file-at-returned-path fails)");
  }
  TarFacts tar = ReadTar(path);
  if (!tar.readable) {
    t.Skip("precondition: " + path +
           " is not a readable tar (archive.readable-by-independent-tar-reader fails)");
  }
  std::set<std::string> names(tar.names.begin(), tar.names.end());
  for (const char* entry : kRequiredEntries) {
    t.Check(tar.contents.count(entry) > 0,
            path + " lacks the file " + entry + " (entries: " + Join(names) + ")");
  }
  std::string wrong = CheckNamesContainer(tar, c);
  t.Check(wrong.empty(), path + ": " + wrong);
}

// The names new in the checkpoints directory since `known`, but for other
// containers' archives (checkpoints of other tests may land at any time, late
// ones too when a runtime finishes after its caller's deadline).
std::set<std::string> AddedSince(TestContext& t, const ContainerRef& c,
                                 const std::set<std::string>& known) {
  const std::string others = "checkpoint-";
  const std::string mine = "checkpoint-" + c.pod + "_" + c.ns + "-" + c.name + "-";
  std::set<std::string> added;
  for (const auto& n : Names(t, t.endpoint().CheckpointsDir())) {
    if (known.count(n)) continue;
    if (n.rfind(others, 0) == 0 && n.rfind(mine, 0) != 0) continue;
    added.insert(n);
  }
  return added;
}

void NothingLeftBehind(TestContext& t) {
  RequireLocalFiles(t);
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  std::set<std::string> before = Names(t, e.CheckpointsDir());
  std::string path = CheckpointOrSkip(t, c);
  RequireGoodArchive(t, path);  // a runtime that writes bad archives fails elsewhere
  before.insert(Base(path));
  std::set<std::string> extra = AddedSince(t, c, before);
  t.Check(extra.empty(), "after a successful checkpoint the directory also holds: " + Join(extra));
}

void NothingPartialAfterFailure(TestContext& t) {
  RequireLocalFiles(t);
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  std::set<std::string> before = Names(t, e.CheckpointsDir());
  // The disk fills up half-way through the archive.
  t.InjectFault(
      c, {{"effect", "disk-full"}, {"method", "CheckpointContainer"}, {"after_bytes", "4Ki"}});
  HttpResult r = PostCheckpoint(t, c);
  t.Check(r.sent && r.status == 500,
          "POST " + c.Path() + " with the disk full answered " + r.Describe() + ", want 500");
  std::set<std::string> extra = AddedSince(t, c, before);
  t.Check(extra.empty(),
          "after a checkpoint that failed (disk full) the directory holds: " + Join(extra) +
              " (real runtimes leave the partial file: CRI-O and containerd open the location "
              "O_RDWR|O_CREAT and never remove it; a kubelet or runtime that cleans up passes)");
}

}  // namespace

void AddArchiveRequirements(Requirements* out) {
  out->push_back({"archive.regular-file-at-returned-path",
                  "the archive is a regular file (not a symlink) at exactly the path the 200 names",
                  kNeedsEndpoint, false, false, RegularFileAtPath});
  out->push_back({"archive.owner-only-0600",
                  "the archive has mode 0600 and belongs to the runtime's user (root on a node)",
                  kNeedsEndpoint, false, false, OwnerOnly});
  out->push_back(
      {"archive.checkpoints-dir-0700",
       "<root-dir>/checkpoints is a directory with mode 0700 (the kubelet creates it so, "
       "but leaves an existing one as it is)",
       kNeedsEndpoint, false, false, CheckpointsDir0700, Level::kShould});
  out->push_back(
      {"archive.readable-by-independent-tar-reader",
       "the archive is a plain tar that an independent reader (libarchive) reads to the end",
       kNeedsEndpoint, false, false, ReadableTar});
  out->push_back(
      {"archive.contains-required-entries",
       "the archive holds spec.dump, config.dump and checkpoint/inventory.img, and its JSON "
       "names the checkpointed container",
       kNeedsEndpoint, false, false, RequiredEntries});
  out->push_back({"archive.nothing-left-behind",
                  "after a successful checkpoint the checkpoints directory holds its archive and "
                  "nothing else new (no temporary file)",
                  kNeedsEndpoint, true, false, NothingLeftBehind});
  out->push_back({"archive.nothing-partial-after-failure",
                  "a checkpoint that fails while writing (disk full) leaves nothing in the "
                  "checkpoints directory",
                  kNeedsEndpoint | kNeedsControl, true, true, NothingPartialAfterFailure,
                  Level::kShould});
}

}  // namespace conformance
