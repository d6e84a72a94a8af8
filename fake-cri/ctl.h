#ifndef FAKE_CRI_CTL_H_
#define FAKE_CRI_CTL_H_

#include <ostream>
#include <string>
#include <vector>

namespace fakecri {

// `fake-cri ctl ...`: drives a running fake-cri's Control service. Prints JSON
// to `out`, errors to `err`; returns the process exit code.
int RunCtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fakecri

#endif  // FAKE_CRI_CTL_H_
