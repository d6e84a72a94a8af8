#ifndef INSPECT_ENGINES_H_
#define INSPECT_ENGINES_H_

// The container engines whose archives checkpoint-inspect reads, one table row
// each: how the engine is recognised and where each of the container's names
// is read from. Adding an engine is adding a row (and its test row).
// Immutable; thread-safe.

#include <string>
#include <vector>

namespace inspect {

// Where one fact is read from; the first source that yields a non-empty
// string wins.
struct FactSource {
  enum class Kind {
    kAnnotation,           // spec.dump annotations[key]
    kAnnotationJsonField,  // spec.dump annotations[key], itself JSON: [field]
    kConfig,               // config.dump[key]
    kStatusDump,           // status.dump[key][field] (field "" = [key])
  };
  Kind kind;
  const char* key;
  const char* field;
};

struct EngineProfile {
  const char* engine;   // as shown: "CRI-O", "containerd", "Podman"
  const char* manager;  // spec.dump io.container.manager value; nullptr = every other
  std::vector<FactSource> container_name;
  std::vector<FactSource> pod;
  std::vector<FactSource> ns;
  std::vector<FactSource> image_name;
  std::vector<FactSource> image_ref;
};

// The row for an io.container.manager value ("" when the annotation is absent):
// "cri-o" and "libpod" have their own, anything else is containerd, as
// checkpointctl decides.
const EngineProfile& EngineForManager(const std::string& manager);

const std::vector<EngineProfile>& Engines();

}  // namespace inspect

#endif  // INSPECT_ENGINES_H_
