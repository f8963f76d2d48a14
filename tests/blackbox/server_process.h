// Runs the real cradle-server binary for black-box tests: a fresh data directory, a free
// loopback port, TLS with the server's own dev CA. Start() waits until the server prints READY.
//
// Ownership: owns the child process and a temporary data directory it made itself (removed by
// the destructor unless CRADLE_KEEP_TEST_DATA is set); the destructor kills the child (SIGKILL)
// if it still runs.
// Thread safety: one test thread.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "net/https_client.h"
#include "tests/support/temp_dir.h"

namespace cradle::testing {

std::string ReadFile(const std::string& path);

class ServerProcess {
 public:
  // `data_dir` empty: a new temporary directory.
  explicit ServerProcess(std::string data_dir = "");
  ~ServerProcess();

  // Starts the binary with --data, --listen 127.0.0.1:<port or 0> and `extra` arguments; waits
  // up to 30 s for READY. Reuses the previous port on restart so clients keep their address.
  Status Start(const std::vector<std::string>& extra = {});
  // SIGTERM and wait; returns the exit status (or -signal).
  int Stop();
  // SIGKILL at once (crash), and reap.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string ca_file() const { return data_dir_ + "/certs/ca.crt"; }
  std::string admin_token() const;
  std::string log_file() const { return data_dir_ + "/test-server.log"; }

  // A keep-alive HTTPS client trusting the server's CA, optionally with a client certificate.
  net::HttpsClient Client(const std::string& cert = "", const std::string& key = "") const;

 private:
  std::string data_dir_;
  bool owns_dir_ = false;  // made by the constructor: removed by the destructor
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Path of a built binary, e.g. Binary("server/cradle-server").
std::string Binary(const std::string& relative);

// Runs a command, returns its exit status and (merged) output.
int RunCommand(const std::string& command, std::string* output = nullptr);

// {"Authorization": "Bearer <token>", "Content-Type": "application/json"}
std::map<std::string, std::string> Bearer(const std::string& token);

}  // namespace cradle::testing
