#ifndef INSPECT_TESTING_TEST_ARCHIVES_H_
#define INSPECT_TESTING_TEST_ARCHIVES_H_

// Archives for checkpoint-inspect's tests, and the independent tools that
// tell what is in them: fake-cri's writer for each archive flavor, the two
// real archives in ../shared/real-archives when that folder is there, GNU tar
// and CRIU's crit. Only tests link this (and through it fake_cri_lib).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace inspect::testing {

// One row per fake-cri archive flavor: a new flavor is one more row.
struct FlavorRow {
  const char* flavor;  // fake-cri's --flavor name
  const char* engine;  // what `show` must call its engine
};
const std::vector<FlavorRow>& FakeFlavors();

// What the fake archives are written from: the facts `show` must find.
struct FakeContainer {
  std::string name = "counter";
  std::string pod = "web";
  std::string ns = "shop";
  std::string image = "registry.example/counter:1.0";
  std::string image_ref = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  uint64_t working_set_bytes = 100 * 1024;  // 25 pages
};

// Writes a fake-cri archive of `flavor` to `path` (pages "full" or "sparse").
// Returns "" or the error.
std::string WriteFakeArchive(const std::string& path, const std::string& flavor,
                             const std::string& pages = "full",
                             const FakeContainer& c = FakeContainer());

// The real archives (.tar.xz) in ../shared/real-archives (or
// $INSPECT_REAL_ARCHIVES), decompressed into `dir`: name -> path. Empty, with
// `why` set, when the folder is absent.
std::map<std::string, std::string> RealArchives(const std::string& dir, std::string* why);

// A tar file made of `entries` (name -> content; a name ending in "/" is a
// directory), in the given order. Returns "" or the error.
struct TarEntry {
  std::string name;
  std::string content;
};
std::string WriteTar(const std::string& path, const std::vector<TarEntry>& entries);

// Copies `src` to `dst`, replacing the content of the members named in
// `replace` and leaving out those in `drop`.
std::string RewriteTar(const std::string& src, const std::string& dst,
                       const std::map<std::string, std::string>& replace,
                       const std::vector<std::string>& drop = {});

// `src` compressed with libarchive's `filter` ("gzip", "zstd") into `dst`.
// Returns "" or why not (a filter this libarchive cannot write).
std::string CompressCopy(const std::string& src, const std::string& dst, const std::string& filter);

// Runs a shell command; its stdout, or nullopt when it exits non-zero.
std::optional<std::string> Run(const std::string& command);

// `crit decode -i file`, parsed.
std::optional<nlohmann::json> CritDecode(const std::string& file);

// Extracts `archive` into `dir` with GNU tar; false on failure.
bool Extract(const std::string& archive, const std::string& dir);

// Member names as `tar tf` lists them, "./" and trailing "/" removed.
std::vector<std::string> TarNames(const std::string& archive);
// Member sizes as `tar tvf` lists them.
std::map<std::string, uint64_t> TarSizes(const std::string& archive);

std::string ReadFile(const std::string& path);
uint64_t FileSize(const std::string& path);

}  // namespace inspect::testing

#endif  // INSPECT_TESTING_TEST_ARCHIVES_H_
