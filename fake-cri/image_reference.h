#ifndef FAKE_CRI_IMAGE_REFERENCE_H_
#define FAKE_CRI_IMAGE_REFERENCE_H_

// Image references as containerd's CRI reads them: docker.ParseDockerRef
// (containerd reference/docker/{normalize,reference}.go@v1.6.20, a copy of
// distribution/reference), with its error texts.

#include <string>

#include "absl/status/statusor.h"

namespace fakecri {

struct ImageReference {
  std::string name;    // "docker.io/library/busybox"
  std::string tag;     // "latest"; "" when the reference has a digest
  std::string digest;  // "sha256:..."; "" when none
  // "docker.io/library/busybox:latest" or "<name>@<digest>".
  std::string String() const;
};

// "busybox" -> docker.io/library/busybox:latest; "localhost:5000/a/b@sha256:.." kept.
// A reference with both a tag and a digest keeps only the digest. Errors
// (UNKNOWN, containerd's texts): "invalid reference format", "invalid
// reference format: repository name must be lowercase", "invalid repository
// name (<s>), cannot specify 64-byte hexadecimal strings", "repository name
// must not be more than 255 characters".
absl::StatusOr<ImageReference> ParseDockerRef(const std::string& ref);

// Whether `s` is the sha256 digest form of an image id: "sha256:" + 64 hex digits.
bool IsImageId(const std::string& s);

}  // namespace fakecri

#endif  // FAKE_CRI_IMAGE_REFERENCE_H_
