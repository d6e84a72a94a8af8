// checkpoint-inspect: reads checkpoint archives (see cli.h, docs/inspect.md).
#include <iostream>
#include <string>
#include <vector>

#include "inspect/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return inspect::RunCli(args, std::cout, std::cerr);
}
