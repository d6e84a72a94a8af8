#include "inspect/criu_entries.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "inspect/criu_image.h"
#include "inspect/proto_wire.h"

namespace inspect {
namespace {

[[maybe_unused]] constexpr uint32_t kPeParent =
    1;  // pagemap.proto "pmap.flags" (criu/include/pagemap.h)
constexpr uint32_t kPePresent = 4;

// Reads one entry's message, prefixing errors with where it is.
class Entry {
 public:
  explicit Entry(std::string what) : what_(std::move(what)) {}

  absl::Status Parse(std::string_view bytes) {
    absl::StatusOr<WireMessage> m = WireMessage::Parse(bytes);
    if (!m.ok()) return Error(std::string(m.status().message()));
    msg_ = *std::move(m);
    return absl::OkStatus();
  }

  // A proto2 `required` scalar; when absent, *out is 0 and the first such
  // field is remembered for missing().
  template <typename T>
  void Required(uint32_t number, const char* name, T* out) {
    std::optional<uint64_t> v = msg_.Varint(number);
    *out = static_cast<T>(v.value_or(0));
    if (!v && missing_.ok()) {
      missing_ = Error(absl::StrCat("required field ", name, " (", number, ") is missing"));
    }
  }
  const absl::Status& missing() const { return missing_; }
  std::optional<uint64_t> Optional(uint32_t number) const { return msg_.Varint(number); }
  std::optional<uint32_t> Optional32(uint32_t number) const {
    std::optional<uint64_t> v = msg_.Varint(number);
    if (!v) return std::nullopt;
    return static_cast<uint32_t>(*v);
  }
  std::optional<bool> OptionalBool(uint32_t number) const {
    std::optional<uint64_t> v = msg_.Varint(number);
    if (!v) return std::nullopt;
    return *v != 0;
  }
  const WireMessage& msg() const { return msg_; }
  absl::Status Error(const std::string& text) const {
    return absl::DataLossError(absl::StrCat(what_, ": ", text));
  }

 private:
  std::string what_;
  WireMessage msg_;
  absl::Status missing_;
};

std::string EntryName(size_t index) { return absl::StrCat("entry ", index + 1); }

absl::Status ExactlyOneEntry(const CriuImage& img) {
  if (img.entries.size() == 1) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat(img.name, " image has ", img.entries.size(), " entries, expected 1"));
}

absl::StatusOr<CriuDumpStats> DecodeDumpStats(std::string_view bytes) {
  Entry e("entry 1: dump");
  if (absl::Status s = e.Parse(bytes); !s.ok()) return s;
  CriuDumpStats d;
  e.Required(1, "freezing_time", &d.freezing_time);
  e.Required(2, "frozen_time", &d.frozen_time);
  e.Required(3, "memdump_time", &d.memdump_time);
  e.Required(4, "memwrite_time", &d.memwrite_time);
  e.Required(5, "pages_scanned", &d.pages_scanned);
  e.Required(6, "pages_skipped_parent", &d.pages_skipped_parent);
  e.Required(7, "pages_written", &d.pages_written);
  d.irmap_resolve = e.Optional32(8);
  e.Required(9, "pages_lazy", &d.pages_lazy);
  d.page_pipes = e.Optional(10);
  d.page_pipe_bufs = e.Optional(11);
  d.shpages_scanned = e.Optional(12);
  d.shpages_skipped_parent = e.Optional(13);
  d.shpages_written = e.Optional(14);
  if (!e.missing().ok()) return e.missing();
  return d;
}

absl::StatusOr<CriuRestoreStats> DecodeRestoreStats(std::string_view bytes) {
  Entry e("entry 1: restore");
  if (absl::Status s = e.Parse(bytes); !s.ok()) return s;
  CriuRestoreStats r;
  e.Required(1, "pages_compared", &r.pages_compared);
  e.Required(2, "pages_skipped_cow", &r.pages_skipped_cow);
  e.Required(3, "forking_time", &r.forking_time);
  e.Required(4, "restore_time", &r.restore_time);
  r.pages_restored = e.Optional(5);
  if (!e.missing().ok()) return e.missing();
  return r;
}

}  // namespace

bool CriuPagemapEntry::present() const {
  if (flags) return (*flags & kPePresent) != 0;
  return !(in_parent && *in_parent);
}

uint64_t CriuPagemap::present_pages() const {
  uint64_t total = 0;
  for (const CriuPagemapEntry& e : entries) {
    if (e.present()) total += e.pages();
  }
  return total;
}

const char* CriuMachineName(uint32_t mtype) {
  static const char* const kNames[] = {"UNKNOWN", "X86_64", "ARM", "AARCH64",
                                       "PPC64",   "S390",   "MIPS"};
  return mtype < sizeof kNames / sizeof kNames[0] ? kNames[mtype] : "UNKNOWN";
}

absl::StatusOr<CriuInventory> DecodeInventory(std::string_view image) {
  absl::StatusOr<CriuImage> img = SplitCriuImage(image, CriuImageKind::kInventory);
  if (!img.ok()) return img.status();
  if (absl::Status s = ExactlyOneEntry(*img); !s.ok()) return s;
  Entry e(EntryName(0));
  if (absl::Status s = e.Parse(img->entries[0]); !s.ok()) return s;
  CriuInventory inv;
  e.Required(1, "img_version", &inv.img_version);
  inv.fdinfo_per_id = e.OptionalBool(2);
  inv.ns_per_id = e.OptionalBool(4);
  inv.root_cg_set = e.Optional32(5);
  inv.lsmtype = e.Optional32(6);
  inv.dump_uptime = e.Optional(8);
  inv.network_lock_method = e.Optional32(11);
  if (!e.missing().ok()) return e.missing();
  return inv;
}

absl::StatusOr<std::vector<CriuProcessEntry>> DecodePstree(std::string_view image) {
  absl::StatusOr<CriuImage> img = SplitCriuImage(image, CriuImageKind::kPstree);
  if (!img.ok()) return img.status();
  std::vector<CriuProcessEntry> out;
  for (size_t i = 0; i < img->entries.size(); ++i) {
    Entry e(EntryName(i));
    if (absl::Status s = e.Parse(img->entries[i]); !s.ok()) return s;
    CriuProcessEntry p;
    e.Required(1, "pid", &p.pid);
    e.Required(2, "ppid", &p.ppid);
    e.Required(3, "pgid", &p.pgid);
    e.Required(4, "sid", &p.sid);
    if (!e.missing().ok()) return e.missing();
    absl::StatusOr<std::vector<uint64_t>> threads = e.msg().RepeatedVarint(5);
    if (!threads.ok()) return e.Error(std::string(threads.status().message()));
    for (uint64_t t : *threads) p.threads.push_back(static_cast<uint32_t>(t));
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<CriuCore> DecodeCore(std::string_view image) {
  absl::StatusOr<CriuImage> img = SplitCriuImage(image, CriuImageKind::kCore);
  if (!img.ok()) return img.status();
  if (absl::Status s = ExactlyOneEntry(*img); !s.ok()) return s;
  Entry e(EntryName(0));
  if (absl::Status s = e.Parse(img->entries[0]); !s.ok()) return s;
  CriuCore core;
  e.Required(1, "mtype", &core.mtype);
  if (!e.missing().ok()) return e.missing();
  if (std::optional<std::string_view> tc_bytes = e.msg().Bytes(3)) {
    Entry tc("entry 1: tc");
    if (absl::Status s = tc.Parse(*tc_bytes); !s.ok()) return s;
    if (std::optional<std::string_view> comm = tc.msg().Bytes(6)) core.comm = std::string(*comm);
    core.task_state = tc.Optional32(1);
    core.exit_code = tc.Optional32(2);
  }
  return core;
}

absl::StatusOr<CriuPagemap> DecodePagemap(std::string_view image) {
  absl::StatusOr<CriuImage> img = SplitCriuImage(image, CriuImageKind::kPagemap);
  if (!img.ok()) return img.status();
  if (img->entries.empty()) {
    return absl::DataLossError("PAGEMAP image has no pagemap_head entry");
  }
  CriuPagemap pm;
  {
    Entry head("entry 1 (head)");
    if (absl::Status s = head.Parse(img->entries[0]); !s.ok()) return s;
    head.Required(1, "pages_id", &pm.pages_id);
    if (!head.missing().ok()) return head.missing();
  }
  for (size_t i = 1; i < img->entries.size(); ++i) {
    Entry e(EntryName(i));
    if (absl::Status s = e.Parse(img->entries[i]); !s.ok()) return s;
    CriuPagemapEntry pe;
    e.Required(1, "vaddr", &pe.vaddr);
    e.Required(2, "nr_pages", &pe.nr_pages_field2);
    pe.in_parent = e.OptionalBool(3);
    pe.flags = e.Optional32(4);
    pe.nr_pages_field5 = e.Optional(5);
    if (!e.missing().ok()) return e.missing();
    pm.entries.push_back(pe);
  }
  return pm;
}

absl::StatusOr<CriuStats> DecodeStats(std::string_view image) {
  absl::StatusOr<CriuImage> img = SplitCriuImage(image, CriuImageKind::kStats);
  if (!img.ok()) return img.status();
  if (absl::Status s = ExactlyOneEntry(*img); !s.ok()) return s;
  Entry e(EntryName(0));
  if (absl::Status s = e.Parse(img->entries[0]); !s.ok()) return s;
  CriuStats stats;
  if (std::optional<std::string_view> dump = e.msg().Bytes(1)) {
    absl::StatusOr<CriuDumpStats> d = DecodeDumpStats(*dump);
    if (!d.ok()) return d.status();
    stats.dump = *d;
  }
  if (std::optional<std::string_view> restore = e.msg().Bytes(2)) {
    absl::StatusOr<CriuRestoreStats> r = DecodeRestoreStats(*restore);
    if (!r.ok()) return r.status();
    stats.restore = *r;
  }
  return stats;
}

}  // namespace inspect
