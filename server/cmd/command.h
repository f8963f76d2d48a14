// The subcommands of cradle-server, one file each under server/cmd/. main.cc parses the
// settings once and dispatches by name through Commands().
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "server/config.h"

namespace cradle::cmd {

// What a subcommand receives: the parsed settings (positional arguments in cfg.args) and the
// few flags that are not server settings. Borrowed from main(); valid for the call only.
struct Invocation {
  const Config& cfg;
  std::string edition;  // catalogue-import's --edition
};

// One row of the table: the name typed on the command line and the function that runs it.
// The function returns the process exit status (0 ok, 1 cannot do it, 2 bad usage).
struct Command {
  const char* name;
  int (*run)(const Invocation&);
};

// Every subcommand, `serve` first (the default when no name is given).
const std::vector<Command>& Commands();

int Serve(const Invocation& in);
int DeviceCert(const Invocation& in);
int RotateKey(const Invocation& in);
int CatalogueImport(const Invocation& in);
int Backup(const Invocation& in);
int Restore(const Invocation& in);

// Prints "cradle-server: WHY" to stderr and returns 1.
int Fail(const std::string& why);

// The data an installed server reads at run time (`cmake --install`: <prefix>/share/cradle with
// web/ and calendar/, beside <prefix>/bin/cradle-server); "" when this binary does not run from
// an installed tree, and the source tree's folders are the defaults.
std::string InstalledShareDir();

// Creates the data directory (0700) and checks it is writable, so a read-only or foreign
// directory fails at start with a clear reason rather than at the first write.
Status PrepareDataDir(const std::string& dir);
// The backup passphrase: the first line of `path`, at least 12 characters (backup.cc).
Result<std::string> ReadPassphraseFile(const std::string& path);

}  // namespace cradle::cmd
