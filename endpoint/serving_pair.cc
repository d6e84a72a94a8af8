#include "endpoint/serving_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "endpoint/openssl_util.h"
#include "endpoint/self_signed_cert.h"

// Sources (kubernetes/kubernetes):
//  - cmd/kubelet/app/server.go InitializeTLS: without --tls-cert-file and
//    --tls-private-key-file, uses <cert-dir>/kubelet.crt and kubelet.key; if
//    certutil.CanReadCertAndKey says neither exists, writes
//    certutil.GenerateSelfSignedCertKey(hostName, nil, nil).
//  - client-go util/cert/io.go CanReadCertAndKey ("certificate and key must be
//    supplied as a pair"), WriteCert (0644, dir 0755);
//    util/keyutil/key.go WriteKey (0600, dir 0755).
namespace endpoint {
namespace {

absl::Status ErrnoFailure(int err, const std::string& what) {
  return absl::ErrnoToStatus(err, what);
}

enum class Presence { kReadable, kMissing, kUnreadable };

Presence Probe(const std::string& path, int* err) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return Presence::kReadable;
  }
  *err = errno;
  return *err == ENOENT ? Presence::kMissing : Presence::kUnreadable;
}

// mkdir -p, each directory it creates being 0700.
absl::Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cert directory ", Quoted(dir), " is not a directory"));
    }
    return absl::OkStatus();
  }
  if (errno != ENOENT) {
    return ErrnoFailure(errno, absl::StrCat("cert directory ", Quoted(dir)));
  }
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    absl::Status parent = MakeDirs(dir.substr(0, slash));
    if (!parent.ok()) return parent;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoFailure(errno,
                        absl::StrCat("creating cert directory ", Quoted(dir), " (mode 0700)"));
  }
  return absl::OkStatus();
}

// Writes `data` to a new temporary file beside `final_path`: created O_EXCL
// with mode 0600 (mkostemp), set to `mode`, written and synced. Returns its name.
absl::StatusOr<std::string> WriteTemp(const std::string& final_path, const std::string& data,
                                      mode_t mode) {
  std::string name = final_path + ".tmp-XXXXXX";
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return ErrnoFailure(errno, absl::StrCat("creating a temporary file for ", Quoted(final_path)));
  }
  int err = 0;
  if (fchmod(fd, mode) != 0) err = errno;
  size_t done = 0;
  while (err == 0 && done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno != EINTR) err = errno;
      continue;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    unlink(name.c_str());
    return ErrnoFailure(err, absl::StrCat("writing ", Quoted(name)));
  }
  return name;
}

// Gives the temporary file its final name, which must not exist yet.
absl::Status Publish(const std::string& temp, const std::string& final_path) {
  const int rc = link(temp.c_str(), final_path.c_str());
  const int err = errno;
  unlink(temp.c_str());
  if (rc != 0) {
    return ErrnoFailure(err, absl::StrCat("creating ", Quoted(final_path), " (not overwritten)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoFailure(errno, "cannot be read");
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return ErrnoFailure(err, "cannot be read");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

absl::Status FlagError(const absl::Status& s, const char* flag, const std::string& file) {
  return absl::Status(s.code(), absl::StrCat(flag, " ", Quoted(file), ": ", s.message()));
}

}  // namespace

absl::StatusOr<TlsFiles> EnsureSelfSignedPair(const std::string& cert_dir,
                                              const std::string& host_name) {
  if (cert_dir.empty()) {
    return absl::InvalidArgumentError("cert directory is empty");
  }
  TlsFiles files;
  // cmd/kubelet/app/server.go InitializeTLS: path.Join(kf.CertDirectory,
  // "kubelet.crt") and "kubelet.key".
  const std::string dir = cert_dir.size() > 1 && cert_dir.back() == '/'
                              ? cert_dir.substr(0, cert_dir.size() - 1)
                              : cert_dir;
  files.cert_file = dir + "/kubelet.crt";
  files.key_file = dir + "/kubelet.key";

  absl::Status s = MakeDirs(dir);
  if (!s.ok()) return s;

  int cert_err = 0;
  int key_err = 0;
  const Presence cert = Probe(files.cert_file, &cert_err);
  const Presence key = Probe(files.key_file, &key_err);
  if (cert == Presence::kUnreadable) {
    return ErrnoFailure(cert_err, absl::StrCat("reading ", Quoted(files.cert_file)));
  }
  if (key == Presence::kUnreadable) {
    return ErrnoFailure(key_err, absl::StrCat("reading ", Quoted(files.key_file)));
  }
  if (cert == Presence::kReadable && key == Presence::kReadable) {
    s = CheckKeyPair(files.cert_file, files.key_file);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("existing self-signed pair in ", Quoted(dir),
                                                 " is not usable (remove both files to have "
                                                 "a new pair made): ",
                                                 s.message()));
    }
    return files;
  }
  // client-go CanReadCertAndKey's wording.
  if (cert == Presence::kReadable || key == Presence::kReadable) {
    const std::string& missing = cert == Presence::kMissing ? files.cert_file : files.key_file;
    return absl::FailedPreconditionError(absl::StrCat(
        "error reading ", missing, ", certificate and key must be supplied as a pair"));
  }

  auto pair = GenerateSelfSignedCertKey(host_name, std::chrono::system_clock::now());
  if (!pair.ok()) {
    return absl::Status(pair.status().code(), absl::StrCat("unable to generate self signed cert: ",
                                                           pair.status().message()));
  }
  auto key_temp = WriteTemp(files.key_file, pair->key_pem, 0600);
  if (!key_temp.ok()) return key_temp.status();
  auto cert_temp = WriteTemp(files.cert_file, pair->cert_pem, 0644);
  if (!cert_temp.ok()) {
    unlink(key_temp->c_str());
    return cert_temp.status();
  }
  s = Publish(*key_temp, files.key_file);
  if (!s.ok()) {
    unlink(cert_temp->c_str());
    return s;
  }
  s = Publish(*cert_temp, files.cert_file);
  if (!s.ok()) {
    unlink(files.key_file.c_str());  // ours, a moment old: leave no half pair
    return s;
  }
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  files.generated = true;
  return files;
}

absl::Status CheckKeyPair(const std::string& cert_file, const std::string& key_file) {
  constexpr char kCertFlag[] = "--tls-cert-file";
  constexpr char kKeyFlag[] = "--tls-private-key-file";
  auto cert_pem = ReadWholeFile(cert_file);
  if (!cert_pem.ok()) return FlagError(cert_pem.status(), kCertFlag, cert_file);
  auto key_pem = ReadWholeFile(key_file);
  if (!key_pem.ok()) return FlagError(key_pem.status(), kKeyFlag, key_file);

  BioPtr cert_bio(BIO_new_mem_buf(cert_pem->data(), static_cast<int>(cert_pem->size())));
  X509Ptr leaf(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassword, nullptr)
                        : nullptr);
  if (!leaf) {
    ERR_clear_error();
    return FlagError(absl::InvalidArgumentError("no PEM certificate in it (expected a "
                                                "\"-----BEGIN CERTIFICATE-----\" block)"),
                     kCertFlag, cert_file);
  }
  BioPtr key_bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
  PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassword, nullptr)
                      : nullptr);
  if (!key) {
    ERR_clear_error();
    return FlagError(
        absl::InvalidArgumentError("no usable PEM private key in it (expected an "
                                   "unencrypted \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or "
                                   "\"EC PRIVATE KEY\" block)"),
        kKeyFlag, key_file);
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(kKeyFlag, " ", Quoted(key_file),
                     ": the private key does not match the first certificate "
                     "in ",
                     kCertFlag, " ", Quoted(cert_file)));
  }
  return absl::OkStatus();
}

}  // namespace endpoint
