#ifndef FAKE_CRI_IMAGE_STORE_H_
#define FAKE_CRI_IMAGE_STORE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fakecri {

// An image on the node, as containerd's CRI image store holds it: its id (the
// config digest), its tags and repo digests (sorted, as containerd sorts its
// references), its size.
struct Image {
  std::string id;
  std::set<std::string> repo_tags, repo_digests;
  uint64_t size = 0;
};

// An image a fixture names (fixtures/README.md, "images").
struct ImageEntry {
  std::string name;               // any reference CRI takes ("busybox")
  std::optional<std::string> id;  // default: derived from the name
  // The manifest digest of its repo digest; "" = none (an image imported with
  // `ctr images import` has none). Default: derived from the name.
  std::optional<std::string> digest;
  std::optional<uint64_t> size;  // default: 1-2 MiB derived from the name
  // The registry has no such image: the image is not on the node and pulls of
  // it fail NOT_FOUND as containerd's do.
  bool missing = false;
};

// What the images of a node without a fixture "images" list are: the two a
// node needs to run a pod, as pulled (containerd 1.6's default sandbox image,
// pkg/cri/config/config_unix.go@v1.6.20, and busybox, which the kit's clients
// run).
std::vector<ImageEntry> DefaultImages();

// The node's images and the registry it pulls from, with containerd 1.6.20's
// semantics and texts (pkg/cri/server/image_*.go, pkg/cri/store/image):
// nothing is fetched; a pull of any image the registry is not configured to
// lack succeeds and records it with a repo digest. Thread-safe.
class ImageStore {
 public:
  // Records a fixture's image (or its absence from the registry). Returns the
  // image id ("" for a missing one).
  absl::StatusOr<std::string> Add(const ImageEntry& entry);
  // containerd's PullImage: the image id, or UNKNOWN `failed to parse image
  // reference "<ref>": <why>`, or NOT_FOUND `failed to pull and unpack image
  // "<ref>": failed to resolve reference "<ref>": <ref>: not found`.
  absl::StatusOr<std::string> Pull(const std::string& ref);
  // containerd's localResolve: a reference the node has, an image id or a
  // unique prefix of one (with or without "sha256:"). NOT_FOUND "not found";
  // UNKNOWN "ambiguous digest string" for a prefix of two ids ("" included).
  absl::StatusOr<Image> Resolve(const std::string& ref_or_id) const;
  // Every image, in id order (containerd's order is a map's: clients sort).
  std::vector<Image> List() const;
  // Forgets the image and every reference to it; not found is not an error
  // (RemoveImage's texts are the caller's).
  absl::Status Remove(const std::string& ref_or_id);

 private:
  absl::StatusOr<Image> ResolveLocked(const std::string& ref_or_id) const;
  std::string RecordLocked(const std::string& ref_string, const std::string& name,
                           const std::string& tag, const std::optional<std::string>& id,
                           const std::optional<std::string>& digest,
                           const std::optional<uint64_t>& size);

  mutable std::mutex mu_;
  std::map<std::string, Image> images_;      // by id
  std::map<std::string, std::string> refs_;  // tag or repo digest -> id
  std::set<std::string> missing_;            // normalised references the registry lacks
};

}  // namespace fakecri

#endif  // FAKE_CRI_IMAGE_STORE_H_
