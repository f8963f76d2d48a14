// cradle-server: the HTTPS API over the store. Subcommands (one file each in server/cmd/):
//   cradle-server [serve] --data DIR [--listen ADDR:PORT] [--config FILE] [--demo]
//   cradle-server device-cert --data DIR DEVICE_ID OUT_DIR [ORG_USCC]
//   cradle-server rotate-key --data DIR
//   cradle-server catalogue-import --data DIR --edition YYYY FILE.csv
//   cradle-server backup --data DIR DEST.db
//   cradle-server restore --data NEW_EMPTY_DIR FROM.db
// Exit status: 0 after a clean shutdown; 2 bad usage or config; 1 cannot start (one line why).
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "server/cmd/command.h"
#include "server/config.h"

extern char** environ;

int main(int argc, char** argv) {
  using namespace cradle;
  std::string name = "serve";
  std::vector<char*> args(argv, argv + argc);
  if (argc > 1 && argv[1][0] != '-') {
    name = argv[1];
    args.erase(args.begin() + 1);
  }
  // catalogue-import takes --edition, which is not a server setting.
  std::string edition;
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (std::string(args[i]) == "--edition") {
      edition = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  ConfigParse parse = ParseConfig(static_cast<int>(args.size()), args.data(), environ);
  if (std::optional<int> exit = HandleInfoFlags(parse, std::cout, std::cerr)) return *exit;
  if (!parse.errors.empty()) {
    for (const auto& e : parse.errors) std::cerr << "cradle-server: " << e << "\n";
    return 2;
  }
  if (parse.config.data.empty()) {
    std::cerr << "cradle-server: --data DIR is required\n";
    return 2;
  }
  std::string names;
  for (const cmd::Command& c : cmd::Commands()) {
    if (name == c.name) return c.run(cmd::Invocation{parse.config, edition});
    names += names.empty() ? c.name : std::string(", ") + c.name;
  }
  std::cerr << "cradle-server: unknown command " << name << " (" << names << ")\n";
  return 2;
}
