#ifndef TESTING_ARCHIVE_READER_H_
#define TESTING_ARCHIVE_READER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kit::testing {

// An archive as libarchive (an independent tar reader, not our writer's code)
// reads it. Small entries keep their content; page data is only counted.
struct ReadEntry {
  char type = '0';  // '0' file, '5' directory, '2' symlink, '?' other
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string uname;    // the owner name in the header ("" when none)
  std::string content;  // first 1 MiB
};

struct ReadArchive {
  bool ok = false;
  std::string error;
  std::string format;  // libarchive's format name
  std::map<std::string, ReadEntry> entries;
  std::vector<std::string> order;  // entry names in archive order
};

// Reads a tar (plain or gzip) from a file, or from memory when `from_memory`.
ReadArchive ReadTar(const std::string& path_or_data, bool from_memory = false);

}  // namespace kit::testing

#endif  // TESTING_ARCHIVE_READER_H_
