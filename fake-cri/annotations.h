#ifndef FAKE_CRI_ANNOTATIONS_H_
#define FAKE_CRI_ANNOTATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/store.h"

namespace fakecri {

// Annotations that give containers created through CRI calls (crictl, a
// kubelet) the same simulated properties as fixture containers. Set them on the
// container, or on the pod sandbox to apply to all its containers; the
// container's own value wins. See fixtures/README.md.
inline constexpr char kWorkingSetAnnotation[] = "fake-cri.io/working-set-bytes";
inline constexpr char kFixedCostAnnotation[] = "fake-cri.io/checkpoint-fixed-cost";
inline constexpr char kThroughputAnnotation[] = "fake-cri.io/checkpoint-throughput";
inline constexpr char kFaultsAnnotation[] = "fake-cri.io/faults";
// JSON arrays of paths inside the container: files it added or changed, and
// files it deleted (what CRI-O puts in rootfs-diff.tar and deleted.files).
inline constexpr char kRootfsChangesAnnotation[] = "fake-cri.io/rootfs-changes";
inline constexpr char kRootfsDeletionsAnnotation[] = "fake-cri.io/rootfs-deletions";
// A JSON object: how the container's command behaves (exits, SIGTERM, log
// output, exec answers); the fixture's "process" (fake-cri/process_spec.h).
inline constexpr char kProcessAnnotation[] = "fake-cri.io/process";

// Reads the annotations into `c` (working set, latency override, rootfs
// changes, process) and `faults`
// (rules limited to this container). INVALID_ARGUMENT names the annotation.
// `c->working_set_bytes` is left as is when no annotation sets it.
absl::Status ApplySimulationAnnotations(const Labels& sandbox_annotations, Container* c,
                                        std::vector<FaultRule>* faults);

}  // namespace fakecri

#endif  // FAKE_CRI_ANNOTATIONS_H_
