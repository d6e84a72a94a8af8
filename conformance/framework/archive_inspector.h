#ifndef CONFORMANCE_FRAMEWORK_ARCHIVE_INSPECTOR_H_
#define CONFORMANCE_FRAMEWORK_ARCHIVE_INSPECTOR_H_

// Looks at an archive as a user would: lstat for what is at the path (never
// following a symlink), libarchive -- an independent, well-kept tar reader, not
// our writer's code -- for what is inside. Plain (uncompressed) tar only, as the
// Kubernetes node e2e test reads it. Stateless; thread-safe.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace conformance {

struct PathFacts {
  bool exists = false;
  bool regular = false;
  bool symlink = false;
  bool directory = false;
  mode_t mode = 0;  // permission bits only
  uid_t uid = 0;
  uint64_t size = 0;
  std::string error;  // lstat's, when it failed for a reason other than ENOENT
};

PathFacts InspectPath(const std::string& path);

struct TarFacts {
  bool readable = false;
  std::string error;                            // why not
  std::vector<std::string> names;               // in archive order, "./" stripped
  std::map<std::string, std::string> contents;  // entries of up to 1 MiB
};

TarFacts ReadTar(const std::string& path);

// SHA-256 of a file's bytes, hex; "" when it cannot be read.
std::string FileDigest(const std::string& path);

// Names in a directory ("." and ".." left out); `error` set when unreadable.
std::vector<std::string> ListDirectory(const std::string& dir, std::string* error);

// "0644".
std::string ModeText(mode_t mode);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_ARCHIVE_INSPECTOR_H_
