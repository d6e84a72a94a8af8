#include "testing/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

namespace kit::testing {

ReadArchive ReadTar(const std::string& path_or_data, bool from_memory) {
  ReadArchive out;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_filter_gzip(a);  // containerd's rootfs-diff.tar is gzip
  int r = from_memory ? archive_read_open_memory(a, path_or_data.data(), path_or_data.size())
                      : archive_read_open_filename(a, path_or_data.c_str(), 1 << 16);
  if (r != ARCHIVE_OK) {
    out.error = archive_error_string(a) ? archive_error_string(a) : "open failed";
    archive_read_free(a);
    return out;
  }
  struct archive_entry* e;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    ReadEntry re;
    mode_t ft = archive_entry_filetype(e);
    re.type = ft == AE_IFREG ? '0' : ft == AE_IFDIR ? '5' : ft == AE_IFLNK ? '2' : '?';
    re.size = static_cast<uint64_t>(archive_entry_size(e));
    re.mode = archive_entry_perm(e);
    re.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
      if (re.content.size() < (1u << 20)) re.content.append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
      out.error = archive_error_string(a) ? archive_error_string(a) : "data read failed";
      archive_read_free(a);
      return out;
    }
    out.order.push_back(archive_entry_pathname(e));
    out.entries[archive_entry_pathname(e)] = std::move(re);
  }
  if (r != ARCHIVE_EOF) {
    out.error = archive_error_string(a) ? archive_error_string(a) : "header read failed";
  } else {
    out.ok = true;
    out.format = archive_format_name(a) ? archive_format_name(a) : "";
  }
  archive_read_free(a);
  return out;
}

}  // namespace kit::testing
