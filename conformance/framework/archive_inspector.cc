#include "conformance/framework/archive_inspector.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace conformance {

PathFacts InspectPath(const std::string& path) {
  PathFacts f;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) f.error = std::strerror(errno);
    return f;
  }
  f.exists = true;
  f.regular = S_ISREG(st.st_mode);
  f.symlink = S_ISLNK(st.st_mode);
  f.directory = S_ISDIR(st.st_mode);
  f.mode = st.st_mode & 07777;
  f.uid = st.st_uid;
  f.size = static_cast<uint64_t>(st.st_size);
  return f;
}

TarFacts ReadTar(const std::string& path) {
  constexpr size_t kKeep = 1 << 20;
  TarFacts out;
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(),
                                                              archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  // O_NOFOLLOW: a symlink at the path is not an archive.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    out.error = std::string("cannot open: ") + std::strerror(errno);
    return out;
  }
  if (archive_read_open_fd(a.get(), fd, 1 << 16) != ARCHIVE_OK) {
    out.error = archive_error_string(a.get()) ? archive_error_string(a.get()) : "not a tar archive";
    ::close(fd);
    return out;
  }
  struct archive_entry* entry = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    out.names.push_back(name);
    std::string content;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
      if (content.size() < kKeep) content.append(buf, std::min<size_t>(n, kKeep - content.size()));
    }
    if (n < 0) {
      out.error = "entry " + name + ": " +
                  (archive_error_string(a.get()) ? archive_error_string(a.get()) : "read error");
      ::close(fd);
      return out;
    }
    if (archive_entry_filetype(entry) == AE_IFREG) out.contents[name] = std::move(content);
  }
  if (r != ARCHIVE_EOF) {
    out.error = archive_error_string(a.get()) ? archive_error_string(a.get()) : "truncated archive";
  } else if (archive_format(a.get()) == 0 || out.names.empty()) {
    out.error = "no tar entries";
  } else {
    out.readable = true;
  }
  ::close(fd);
  return out;
}

std::string FileDigest(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return "";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

std::vector<std::string> ListDirectory(const std::string& dir, std::string* error) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    *error = dir + ": " + std::strerror(errno);
    return names;
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  return names;
}

std::string ModeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace conformance
