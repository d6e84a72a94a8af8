#ifndef INSPECT_METADATA_H_
#define INSPECT_METADATA_H_

// Reads the container's facts out of an archive's JSON members (config.dump,
// spec.dump and, when present, status.dump), following the engine's row in
// engines.h. Pure functions; thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "inspect/checkpoint_facts.h"
#include "nlohmann/json.hpp"

namespace inspect {

// Parses a member that must hold a JSON object (array for `want_array`).
// Errors: "<file>: member "<member>": invalid JSON: ..." or "...: expected a
// JSON object, found <type>".
absl::StatusOr<nlohmann::json> ParseJsonMember(const std::string& file, const std::string& member,
                                               const std::string& text, bool want_array = false);

// `status_dump` may be null. Times are kept as written. Fields the archive
// lacks stay empty; only wrongly typed fields are errors.
absl::StatusOr<ContainerFacts> ReadContainerFacts(const std::string& file,
                                                  const nlohmann::json& config,
                                                  const nlohmann::json& spec,
                                                  const nlohmann::json* status_dump);

}  // namespace inspect

#endif  // INSPECT_METADATA_H_
