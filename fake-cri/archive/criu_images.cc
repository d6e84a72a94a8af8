#include "fake-cri/archive/criu_images.h"

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <vector>

namespace fakecri {
namespace {

// Magics (pycriu/images/magic.py).
constexpr uint32_t kImgCommon = 0x54564319;
constexpr uint32_t kImgService = 0x55105940;
constexpr uint32_t kInventoryMagic = 0x58313116;
constexpr uint32_t kPstreeMagic = 0x50273030;
constexpr uint32_t kCoreMagic = 0x55053847;
constexpr uint32_t kMmMagic = 0x57492820;
constexpr uint32_t kPagemapMagic = 0x56084025;
constexpr uint32_t kStatsMagic = 0x57093306;
constexpr uint32_t kFilesMagic = 0x56303138;
constexpr uint32_t kFsMagic = 0x51403912;
constexpr uint32_t kIdsMagic = 0x54432030;
constexpr uint32_t kFdinfoMagic = 0x56213732;
constexpr uint32_t kImagesV11 = 2;  // CRTOOLS_IMAGES_V1_1

// Memory map of the simulated process.
constexpr uint64_t kTextStart = 0x555555554000ULL, kTextEnd = 0x555555570000ULL;
constexpr uint64_t kStackStart = 0x7ffc8a393000ULL, kStackEnd = 0x7ffc8a3b4000ULL;
constexpr uint64_t kVsyscallStart = 0xffffffffff600000ULL, kVsyscallEnd = 0xffffffffff601000ULL;

// A proto2 message under construction. Repeated scalars are written unpacked:
// no CRIU field is declared packed.
class Msg {
 public:
  Msg& U(int field, uint64_t v) {  // uint32/uint64/bool/enum
    Tag(field, 0);
    Varint(v);
    return *this;
  }
  Msg& I(int field, int64_t v) {  // int32/int64: negatives sign-extended to 64 bits
    Tag(field, 0);
    Varint(static_cast<uint64_t>(v));
    return *this;
  }
  Msg& S(int field, int64_t v) {  // sint32/sint64: zigzag
    Tag(field, 0);
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
    return *this;
  }
  Msg& Str(int field, const std::string& s) {
    Tag(field, 2);
    Varint(s.size());
    out_ += s;
    return *this;
  }
  Msg& Sub(int field, const Msg& m) { return Str(field, m.out_); }
  Msg& Rep(int field, std::initializer_list<uint64_t> values) {
    for (uint64_t v : values) U(field, v);
    return *this;
  }
  Msg& RepN(int field, int n, uint64_t v) {
    for (int i = 0; i < n; ++i) U(field, v);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void Tag(int field, int wire_type) { Varint(static_cast<uint64_t>(field) << 3 | wire_type); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) *out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string Image(std::initializer_list<uint32_t> magics, const std::vector<Msg>& entries) {
  std::string out;
  for (uint32_t m : magics) PutU32(&out, m);
  for (const Msg& e : entries) {
    PutU32(&out, static_cast<uint32_t>(e.str().size()));
    out += e.str();
  }
  return out;
}

Msg TaskKobjIds() {  // TaskKobjIdsEntry
  Msg m;
  m.U(1, 1).U(2, 1).U(3, 1).U(4, 1);  // vm, files, fs, sighand ids (required)
  for (int f = 5; f <= 12; ++f) m.U(f, static_cast<uint64_t>(f - 3));  // namespace ids
  return m;
}

uint64_t HeapEnd(const CriuProcess& p) { return kHeapStart + p.heap_pages * kPageSize; }

Msg Vma(uint64_t start, uint64_t end, uint64_t shmid, uint32_t prot, uint32_t flags,
        uint32_t status) {
  Msg m;
  return m.U(1, start).U(2, end).U(3, 0).U(4, shmid).U(5, prot).U(6, flags).U(7, status).S(8, -1);
}

Msg RegFile(uint32_t id, const std::string& name, uint32_t flags, uint64_t size, uint32_t mode) {
  Msg fown;
  fown.U(1, 0).U(2, 0).U(3, 0).U(4, 0).U(5, 0);
  Msg reg;
  reg.U(1, id).U(2, flags).U(3, 0).Sub(5, fown).Str(6, name).S(7, 0).U(8, size).U(10, mode);
  Msg file;
  return file.U(1, 1 /* REG */).U(2, id).Sub(3, reg);
}

}  // namespace

std::string CriuInventoryImage() {
  Msg inv;
  inv.U(1, kImagesV11)        // img_version
      .U(2, 1)                // fdinfo_per_id
      .Sub(3, TaskKobjIds())  // root_ids
      .U(4, 1)                // ns_per_id
      .U(5, 1)                // root_cg_set
      .U(6, 0)                // lsmtype NO_LSM
      .U(11, 1);              // network_lock_method IPTABLES
  return Image({kInventoryMagic}, {inv});
}

std::string CriuPstreeImage() {
  Msg m;
  m.U(1, 1).U(2, 0).U(3, 1).U(4, 1).Rep(5, {1});  // pid, ppid (0 = root), pgid, sid, threads
  return Image({kImgCommon, kPstreeMagic}, {m});
}

std::string CriuCoreImage(const CriuProcess& p) {
  Msg gpregs;  // UserX86RegsEntry: fields 1-27 required
  const std::pair<int, uint64_t> regs[] = {
      {5, 0x7ffc8a3b1e40},  {7, 0x246},           {11, 0xfffffffffffffe00},
      {12, 0x7f3a5c2e1b2a}, {14, 0x7ffc8a3b1d10}, {16, 61},
      {17, 0x7f3a5c2e1b2a}, {18, 0x33},           {19, 0x246},
      {20, 0x7ffc8a3b1cf8}, {21, 0x2b},           {22, 0x7f3a5c40a740}};
  for (int f = 1; f <= 27; ++f) {
    uint64_t v = 0;
    for (const auto& [field, value] : regs) {
      if (field == f) v = value;
    }
    gpregs.U(f, v);
  }
  gpregs.U(28, 1);  // mode NATIVE

  Msg fpregs;  // UserX86FpregsEntry; CRIU restore wants exactly 32 st and 64 xmm words
  fpregs.U(1, 0x37f).U(2, 0).U(3, 0).U(4, 0).U(5, 0).U(6, 0).U(7, 0x1f80).U(8, 0xffff);
  fpregs.RepN(9, 32, 0).RepN(10, 64, 0).RepN(11, 24, 0);

  Msg thread_info;
  thread_info.U(1, 0).Sub(2, gpregs).Sub(3, fpregs);

  Msg rlimits;
  constexpr uint64_t kInf = ~0ULL;
  const std::pair<uint64_t, uint64_t> limits[16] = {
      {kInf, kInf},       {kInf, kInf}, {kInf, kInf},   {8 << 20, kInf},
      {0, kInf},          {kInf, kInf}, {63704, 63704}, {1024, 1048576},
      {8 << 20, 8 << 20}, {kInf, kInf}, {kInf, kInf},   {63704, 63704},
      {819200, 819200},   {0, 0},       {0, 0},         {kInf, kInf}};
  for (const auto& [cur, max] : limits) {
    Msg l;
    rlimits.Sub(1, l.U(1, cur).U(2, max));
  }

  Msg tc;              // TaskCoreEntry
  tc.U(1, 1)           // task_state alive
      .U(2, 0)         // exit_code
      .U(3, 0)         // personality
      .U(4, 0x400100)  // PF_* flags
      .U(5, 0)         // blk_sigset
      .Str(6, p.comm)
      .Sub(8, rlimits)
      .U(9, 1)            // cg_set
      .U(13, 0xffffffff)  // loginuid
      .I(14, 0);          // oom_score_adj

  Msg creds;
  for (int f = 1; f <= 8; ++f) creds.U(f, 0);  // uid..fsgid: root
  creds.Rep(9, {0, 0}).Rep(10, {0xffffffff, 0x1ff}).Rep(11, {0xffffffff, 0x1ff});
  creds.Rep(12, {0xffffffff, 0x1ff}).U(13, 0);

  Msg sas;
  sas.U(1, 0).U(2, 0).U(3, 2);  // SS_DISABLE
  Msg thread_core;
  thread_core.U(1, 0).U(2, 24).S(3, 0).U(4, 0).U(5, 0).U(6, 0).Sub(7, sas).U(8, 0);
  thread_core.Sub(10, creds).U(11, 0).Str(13, p.comm);

  Msg core;
  core.U(1, 1 /* X86_64 */).Sub(2, thread_info).Sub(3, tc).Sub(5, thread_core);
  return Image({kImgCommon, kCoreMagic}, {core});
}

std::string CriuMmImage(const CriuProcess& p) {
  constexpr uint32_t kR = 1, kW = 2, kX = 4;
  constexpr uint32_t kPrivate = 0x2, kAnon = 0x20, kGrowsDown = 0x100;
  constexpr uint32_t kRegular = 1, kStack = 2, kVsyscall = 4, kHeap = 0x20, kFilePrivate = 0x40,
                     kAnonPrivate = 0x200;
  Msg mm;
  mm.U(1, kTextStart).U(2, kTextEnd).U(3, kHeapStart - 0x10000).U(4, kHeapStart - 0xf000);
  mm.U(5, kStackEnd - 0x1000).U(6, kHeapStart).U(7, HeapEnd(p));
  mm.U(8, kStackEnd - 0x800).U(9, kStackEnd - 0x7f0).U(10, kStackEnd - 0x7f0);
  mm.U(11, kStackEnd - 0x100).U(12, 1 /* exe: files.img id 1 */);
  mm.Rep(13, {33, 0x7ffc8a3ff000,
              16, 0x178bfbff,
              6,  4096,
              17, 100,
              3,  0x555555554040,
              4,  56,
              5,  13,
              7,  0x7f3a5c5f6000,
              8,  0,
              9,  0x555555558a30,
              0,  0});  // auxv pairs
  mm.Sub(14, Vma(kTextStart, kTextEnd, 1, kR | kX, kPrivate, kRegular | kFilePrivate));
  mm.Sub(14, Vma(kHeapStart, HeapEnd(p), 0, kR | kW, kPrivate | kAnon,
                 kRegular | kHeap | kAnonPrivate));
  mm.Sub(14, Vma(kStackStart, kStackEnd, 0, kR | kW, kPrivate | kAnon | kGrowsDown,
                 kRegular | kStack | kAnonPrivate));
  // [vsyscall] last, as CRIU's own dumps have it.
  mm.Sub(14, Vma(kVsyscallStart, kVsyscallEnd, 0, kX, kPrivate, kVsyscall));
  mm.I(15, 1);  // dumpable
  return Image({kImgCommon, kMmMagic}, {mm});
}

std::string CriuPagemapImage(const CriuProcess& p) {
  Msg head;
  head.U(1, 1);  // pages_id: pages-1.img
  std::vector<Msg> entries{head};
  // One entry per run of at most 2^31 pages (nr_pages is a uint32).
  uint64_t left = p.present_pages, vaddr = kHeapStart;
  while (left > 0) {
    uint64_t n = left > 0x80000000ULL ? 0x80000000ULL : left;
    Msg e;
    e.U(1, vaddr).U(2, n).U(4, 4 /* PE_PRESENT */);
    entries.push_back(e);
    vaddr += n * kPageSize;
    left -= n;
  }
  return Image({kImgCommon, kPagemapMagic}, entries);
}

std::string CriuStatsDumpImage(const CriuDumpStats& s) {
  Msg dump;
  dump.U(1, s.freezing_us).U(2, s.frozen_us).U(3, s.memdump_us).U(4, s.memwrite_us);
  dump.U(5, s.pages_scanned).U(6, 0).U(7, s.pages_written).U(8, 0).U(9, 0);  // pages_lazy
  dump.U(10, 1).U(11, 1).U(12, 0).U(13, 0).U(14, 0);
  Msg stats;
  stats.Sub(1, dump);
  return Image({kImgService, kStatsMagic}, {stats});
}

std::string CriuFilesImage(const CriuProcess& p) {
  constexpr uint32_t kRdwr = 2, kLargefile = 0100000, kDirectory = 0200000;
  return Image({kImgCommon, kFilesMagic}, {RegFile(1, p.exe, 0, 125560, 0100755),
                                           RegFile(2, "/", kDirectory | kLargefile, 4096, 040755),
                                           RegFile(3, "/dev/null", kRdwr | kLargefile, 0, 020666)});
}

std::string CriuFsImage() {
  Msg fs;
  fs.U(1, 2).U(2, 2).U(3, 022);  // cwd and root: files.img id 2 ("/"); umask
  return Image({kImgCommon, kFsMagic}, {fs});
}

std::string CriuIdsImage() { return Image({kImgCommon, kIdsMagic}, {TaskKobjIds()}); }

std::string CriuFdinfoImage() {
  std::vector<Msg> fds;
  for (uint64_t fd = 0; fd <= 2; ++fd) {  // stdin/out/err on /dev/null (files.img id 3)
    Msg m;
    fds.push_back(m.U(1, 3).U(2, 0).U(3, 1 /* REG */).U(4, fd));
  }
  return Image({kImgCommon, kFdinfoMagic}, fds);
}

void FillPage(uint64_t index, char* out) {
  // A 64-byte line repeated: "fake-cri page <index>" padded, so a hexdump shows
  // which page it is and no two pages are equal.
  char line[64];
  std::memset(line, '.', sizeof line);
  int n = std::snprintf(line, sizeof line, "fake-cri page %016llx",
                        static_cast<unsigned long long>(index));
  if (n > 0 && n < 64) line[n] = '.';
  line[63] = '\n';
  for (size_t off = 0; off < kPageSize; off += sizeof line)
    std::memcpy(out + off, line, sizeof line);
}

}  // namespace fakecri
