#ifndef INSPECT_REPORT_H_
#define INSPECT_REPORT_H_

// How `show` prints a checkpoint's facts: aligned text for people, JSON for
// programs (field names in docs/inspect.md). Pure functions; thread-safe.

#include <string>

#include "inspect/checkpoint_facts.h"
#include "nlohmann/json.hpp"

namespace inspect {

std::string ShowText(const CheckpointFacts& facts);
nlohmann::json ShowJson(const CheckpointFacts& facts);

// 16846848 -> "16.1 MiB"; under 1 KiB in bytes.
std::string HumanBytes(uint64_t bytes);

}  // namespace inspect

#endif  // INSPECT_REPORT_H_
