#include "conformance/framework/requirement.h"

namespace conformance {

Requirements AllRequirements() {
  Requirements all;
  AddResponseRequirements(&all);
  AddAuthRequirements(&all);
  AddTimeoutRequirements(&all);
  AddArchiveRequirements(&all);
  AddConcurrencyRequirements(&all);
  AddMetricsRequirements(&all);
  AddRuntimeRequirements(&all);
  return all;
}

}  // namespace conformance
