#include "inspect/engines.h"

namespace inspect {
namespace {

using K = FactSource::Kind;

std::vector<EngineProfile> MakeEngines() {
  return {
      // CRI-O: annotations from its pkg/annotations (io.kubernetes.cri-o.Metadata
      // is JSON {name, attempt}); the pod labels as the kubelet sets them.
      {"CRI-O",
       "cri-o",
       {{K::kAnnotationJsonField, "io.kubernetes.cri-o.Metadata", "name"},
        {K::kAnnotation, "io.kubernetes.container.name", ""}},
       {{K::kAnnotation, "io.kubernetes.pod.name", ""}},
       {{K::kAnnotation, "io.kubernetes.pod.namespace", ""}},
       {{K::kConfig, "rootfsImageName", ""}, {K::kConfig, "rootfsImage", ""}},
       {{K::kConfig, "rootfsImageRef", ""}}},
      // Podman (libpod): config.dump is libpod's ContainerConfig, whose name,
      // pod (an id) and namespace (libpod's, usually empty) are its own.
      {"Podman",
       "libpod",
       {{K::kConfig, "name", ""}},
       {{K::kConfig, "pod", ""}},
       {{K::kConfig, "namespace", ""}},
       {{K::kConfig, "rootfsImageName", ""}, {K::kConfig, "RawImageName", ""}},
       {{K::kConfig, "rootfsImageID", ""}}},
      // containerd's CRI plugin (DefaultCRIAnnotations) sets no
      // io.container.manager; 2.1+ also stores the CRI ContainerStatus.
      {"containerd",
       nullptr,
       {{K::kAnnotation, "io.kubernetes.cri.container-name", ""},
        {K::kStatusDump, "metadata", "name"}},
       {{K::kAnnotation, "io.kubernetes.cri.sandbox-name", ""}},
       {{K::kAnnotation, "io.kubernetes.cri.sandbox-namespace", ""}},
       {{K::kConfig, "rootfsImageName", ""},
        {K::kAnnotation, "io.kubernetes.cri.image-name", ""},
        {K::kStatusDump, "image", "image"}},
       {{K::kConfig, "rootfsImageRef", ""}, {K::kStatusDump, "image_ref", ""}}},
  };
}

}  // namespace

const std::vector<EngineProfile>& Engines() {
  static const std::vector<EngineProfile>* const engines =
      new std::vector<EngineProfile>(MakeEngines());
  return *engines;
}

const EngineProfile& EngineForManager(const std::string& manager) {
  for (const EngineProfile& e : Engines()) {
    if (e.manager != nullptr && manager == e.manager) return e;
  }
  for (const EngineProfile& e : Engines()) {
    if (e.manager == nullptr) return e;
  }
  return Engines().back();
}

}  // namespace inspect
