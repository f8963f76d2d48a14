#include "tests/blackbox/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cradle::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Binary(const std::string& relative) {
  return std::string(CRADLE_BINARY_DIR) + "/" + relative;
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (output) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::map<std::string, std::string> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

ServerProcess::ServerProcess(std::string data_dir) : data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    data_dir_ = MakeTempDir("cradle-bb");
    owns_dir_ = true;
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  // Keep the directory of a failed test for inspection when CRADLE_KEEP_TEST_DATA is set.
  if (owns_dir_ && !std::getenv("CRADLE_KEEP_TEST_DATA")) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

Status ServerProcess::Start(const std::vector<std::string>& extra) {
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) return Status("IO_ERROR", "pipe");
  const std::string binary = Binary("server/cradle-server");
  std::vector<std::string> args = {
      binary,       "--data",  data_dir_, "--listen", "127.0.0.1:" + std::to_string(port_),
      "--log-file", log_file()};
  args.insert(args.end(), extra.begin(), extra.end());
  const pid_t pid = ::fork();
  if (pid < 0) return Status("IO_ERROR", "fork");
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    const int err =
        ::open((data_dir_ + "/test-server.stderr").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) ::dup2(err, 2);
    ::close(out_pipe[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  pid_ = pid;
  // Wait for "READY https://127.0.0.1:PORT".
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (::poll(&pfd, 1, 200) <= 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ::close(out_pipe[0]);
        return Status("START_FAILED",
                      "server exited: " + ReadFile(data_dir_ + "/test-server.stderr"));
      }
      continue;
    }
    char c;
    const ssize_t n = ::read(out_pipe[0], &c, 1);
    if (n <= 0) break;
    if (c != '\n') {
      line.push_back(c);
      continue;
    }
    if (line.rfind("READY ", 0) == 0) {
      const auto colon = line.rfind(':');
      port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
      ::close(out_pipe[0]);  // the server's later stdout writes are ignored (SIGPIPE-safe: it logs
                             // to a file)
      return Status();
    }
    line.clear();
  }
  ::close(out_pipe[0]);
  Kill();
  return Status("START_FAILED", "no READY line: " + ReadFile(data_dir_ + "/test-server.stderr"));
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::admin_token() const {
  std::string t = ReadFile(data_dir_ + "/admin.token");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

net::HttpsClient ServerProcess::Client(const std::string& cert, const std::string& key) const {
  net::ClientOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.ca_file = ca_file();
  o.cert_file = cert;
  o.key_file = key;
  return net::HttpsClient(o);
}

}  // namespace cradle::testing
