#include "fake-cri/image_store.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "fake-cri/image_reference.h"

namespace fakecri {
namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool IsHexPrefix(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::vector<ImageEntry> DefaultImages() {
  ImageEntry pause, busybox;
  pause.name = "registry.k8s.io/pause:3.6";
  busybox.name = "docker.io/library/busybox:latest";
  return {pause, busybox};
}

std::string ImageStore::RecordLocked(const std::string& ref_string, const std::string& name,
                                     const std::string& tag, const std::optional<std::string>& id,
                                     const std::optional<std::string>& digest,
                                     const std::optional<uint64_t>& size) {
  std::string image_id;
  if (id) {
    image_id = *id;
  } else if (auto it = refs_.find(ref_string); it != refs_.end()) {
    image_id = it->second;  // the same reference pulled again: the same image
  } else {
    image_id = "sha256:" + Sha256Hex(ref_string);
  }
  Image& img = images_[image_id];
  img.id = image_id;
  if (size) {
    img.size = *size;
  } else if (img.size == 0) {
    img.size = 1ULL << 20 | (std::hash<std::string>{}(ref_string)&0xfffff);  // 1-2 MiB
  }
  refs_[image_id] = image_id;
  if (!tag.empty()) {
    img.repo_tags.insert(ref_string);
    refs_[ref_string] = image_id;
  }
  // The repo digest names the manifest the reference resolved to.
  std::string manifest = digest ? *digest : "sha256:" + Sha256Hex("manifest:" + ref_string);
  if (tag.empty()) manifest = ref_string.substr(ref_string.find('@') + 1);
  if (!manifest.empty()) {
    const std::string repo_digest = absl::StrCat(name, "@", manifest);
    img.repo_digests.insert(repo_digest);
    refs_[repo_digest] = image_id;
  }
  return image_id;
}

absl::StatusOr<std::string> ImageStore::Add(const ImageEntry& e) {
  auto ref = ParseDockerRef(e.name);
  if (!ref.ok()) return ref.status();
  if (e.id && !IsImageId(*e.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("id \"", *e.id, "\" is not an image id (sha256: and 64 hex digits)"));
  }
  if (e.digest && !e.digest->empty() && !IsImageId(*e.digest)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "digest \"", *e.digest, "\" is not a sha256 digest (sha256: and 64 hex digits)"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (e.missing) {
    missing_.insert(ref->String());
    return std::string();
  }
  return RecordLocked(ref->String(), ref->name, ref->tag, e.id, e.digest, e.size);
}

absl::StatusOr<std::string> ImageStore::Pull(const std::string& image) {
  // pkg/cri/server/image_pull.go@v1.6.20 PullImage.
  auto ref = ParseDockerRef(image);
  if (!ref.ok()) {
    return absl::UnknownError(
        absl::StrCat("failed to parse image reference \"", image, "\": ", ref.status().message()));
  }
  const std::string r = ref->String();
  std::lock_guard<std::mutex> lock(mu_);
  if (missing_.count(r)) {
    // The resolver's 404 (remotes/docker/resolver.go: errdefs.ErrNotFound).
    return absl::NotFoundError(absl::StrCat("failed to pull and unpack image \"", r,
                                            "\": failed to resolve reference \"", r, "\": ", r,
                                            ": not found"));
  }
  return RecordLocked(r, ref->name, ref->tag, std::nullopt, std::nullopt, std::nullopt);
}

absl::StatusOr<Image> ImageStore::ResolveLocked(const std::string& s) const {
  // localResolve (pkg/cri/server/helpers.go@v1.6.20): a reference the node
  // has, else the string as an id, looked up in a digest set (prefixes allowed).
  std::string id = s;
  if (!IsImageId(s)) {
    if (auto ref = ParseDockerRef(s); ref.ok()) {
      if (auto it = refs_.find(ref->String()); it != refs_.end()) id = it->second;
    }
  }
  if (images_.empty()) return absl::NotFoundError("not found");
  std::string prefix = id.compare(0, 7, "sha256:") == 0 ? id.substr(7) : id;
  if (!IsHexPrefix(prefix)) return absl::NotFoundError("not found");
  prefix = "sha256:" + prefix;
  auto it = images_.lower_bound(prefix);
  if (it == images_.end() || it->first.compare(0, prefix.size(), prefix) != 0) {
    return absl::NotFoundError("not found");
  }
  if (it->first != prefix) {
    auto next = std::next(it);
    if (next != images_.end() && next->first.compare(0, prefix.size(), prefix) == 0) {
      return absl::UnknownError("ambiguous digest string");  // digestset.ErrDigestAmbiguous
    }
  }
  return it->second;
}

absl::StatusOr<Image> ImageStore::Resolve(const std::string& ref_or_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ResolveLocked(ref_or_id);
}

std::vector<Image> ImageStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Image> out;
  for (const auto& [id, img] : images_) out.push_back(img);
  return out;
}

absl::Status ImageStore::Remove(const std::string& ref_or_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto img = ResolveLocked(ref_or_id);
  if (!img.ok()) return img.status();
  for (auto it = refs_.begin(); it != refs_.end();) {
    it = it->second == img->id ? refs_.erase(it) : std::next(it);
  }
  images_.erase(img->id);
  return absl::OkStatus();
}

}  // namespace fakecri
