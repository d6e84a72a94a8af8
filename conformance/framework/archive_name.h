#ifndef CONFORMANCE_FRAMEWORK_ARCHIVE_NAME_H_
#define CONFORMANCE_FRAMEWORK_ARCHIVE_NAME_H_

// The kubelet's archive name, checked from outside:
//   <root-dir>/checkpoints/checkpoint-<pod>_<namespace>-<container>-<RFC 3339>.tar
// with the stamp at one-second resolution in the node's local time zone.

#include <ctime>
#include <string>

#include "conformance/framework/target.h"

namespace conformance {

struct ArchiveName {
  bool matches = false;
  std::string why;       // when !matches
  std::string stamp;     // "2024-10-15T12:18:00+09:00"
  std::time_t when = 0;  // the stamp as seconds since the epoch
  long utc_offset = 0;   // the stamp's offset, seconds east of UTC
};

ArchiveName ParseArchiveName(const std::string& path, const std::string& root_dir,
                             const ContainerRef& c);

// The RFC 3339 offset this machine's local time zone has at `t`: "Z", "+09:00".
std::string LocalOffsetText(std::time_t t);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_ARCHIVE_NAME_H_
