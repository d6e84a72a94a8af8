#ifndef ENDPOINT_OBJECT_NAMES_H_
#define ENDPOINT_OBJECT_NAMES_H_

// The names a Kubernetes object can have, by the API server's validation
// (k8s.io/apimachinery/pkg/util/validation validation.go): a namespace and a
// container name are DNS-1123 labels (ValidateNamespaceName; ValidateContainers
// in pkg/apis/core/validation), a pod name a DNS-1123 subdomain
// (ValidatePodName). The kubelet finds a checkpoint's pod in its pod manager,
// which holds only validated pods, so a name outside these sets is "not
// found" there without any runtime call; the handler answers it the same way
// (its 404s) before anything reaches the runtime or a file name.
//
// Pure functions; thread-safe.

#include "absl/strings/string_view.h"

namespace endpoint {

// 1 to 63 characters of [a-z0-9-], starting and ending with [a-z0-9].
bool IsDns1123Label(absl::string_view name);

// 1 to 253 characters: DNS-1123 labels joined by '.'.
bool IsDns1123Subdomain(absl::string_view name);

}  // namespace endpoint

#endif  // ENDPOINT_OBJECT_NAMES_H_
