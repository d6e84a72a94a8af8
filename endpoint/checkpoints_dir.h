#ifndef ENDPOINT_CHECKPOINTS_DIR_H_
#define ENDPOINT_CHECKPOINTS_DIR_H_

// <root-dir>/checkpoints, where archives go. Thread-safe (no state).

#include <string>

#include "absl/status/status.h"

namespace endpoint {

// At start-up: creates <root-dir> (0750) and <root-dir>/checkpoints (0700)
// when missing. As the kubelet's MkdirAll by default: an existing directory
// (or a symlink to one) is left as it is, whatever its mode; anything else
// there is an error. With `tighten` (--tighten-checkpoints-dir, beyond
// upstream): a wider mode is tightened to 0700 (and logged), and a symlink is
// refused.
absl::Status PrepareCheckpointsDir(const std::string& root_dir, bool tighten);

// Before each checkpoint, with --tighten-checkpoints-dir only (the kubelet
// checks nothing after start-up and follows whatever is there): `dir` must
// still be a directory, not a symlink, of mode 0700. FailedPrecondition
// otherwise, naming what changed. A check, not a lock: a directory swapped
// between it and the runtime's open() is not caught.
absl::Status CheckCheckpointsDir(const std::string& dir);

}  // namespace endpoint

#endif  // ENDPOINT_CHECKPOINTS_DIR_H_
