// Start-up against storage the server cannot use. Tests run as root, and root ignores file
// modes, so the faults are ones that fail for root too: the data directory is a regular file,
// or `<data>/cradle.db` is a directory. The real binary must exit non-zero with one clear line
// on stderr naming the path, and create or change nothing.
#define BOOST_TEST_MODULE blackbox_startup_faults_test
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/blackbox/server_process.h"

namespace cradle::testing {
namespace {

namespace fs = std::filesystem;

// Every path under `root` with its type, size and modification time: a change to any shows.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    out[e.path().string()] = std::to_string(st.st_mode) + "/" + std::to_string(st.st_size) + "/" +
                             std::to_string(st.st_mtim.tv_sec) + "." +
                             std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

// Runs `cradle-server serve --data <data>`; returns the exit status and the (merged) output.
// `timeout` bounds a server that wrongly starts serving.
int RunServer(const std::string& data, std::string* output) {
  return RunCommand("timeout 30 '" + Binary("server/cradle-server") + "' serve --data '" + data +
                        "' --listen 127.0.0.1:0",
                    output);
}

// One line, from the server, that names `path`.
void ExpectOneClearLine(const std::string& output, const std::string& path) {
  BOOST_TEST(output.rfind("cradle-server: ", 0) == 0u, output);
  BOOST_TEST(!output.empty());
  if (output.empty()) return;
  BOOST_TEST(output.back() == '\n');
  BOOST_TEST(output.find('\n') == output.size() - 1, output);  // exactly one line
  BOOST_TEST(output.find(path) != std::string::npos, output);
}

BOOST_AUTO_TEST_CASE(a_data_path_that_is_a_file_fails_at_once) {
  TempDir root("cradle-startup");
  const std::string data = root.path() + "/data";
  { std::ofstream(data) << "not a directory\n"; }
  ::chmod(data.c_str(), 0755);  // even with x bits (root's access() then says yes)
  const auto before = Snapshot(root.path());
  std::string out;
  const int rc = RunServer(data, &out);
  BOOST_TEST(rc != 0);
  BOOST_TEST(rc != 124, "the server started instead of failing");
  ExpectOneClearLine(out, data);
  BOOST_TEST((Snapshot(root.path()) == before));
  BOOST_TEST(ReadFile(data) == "not a directory\n");
}

BOOST_AUTO_TEST_CASE(a_database_path_that_is_a_directory_fails_and_creates_nothing) {
  TempDir root("cradle-startup");
  const std::string data = root.path() + "/data";
  const std::string db = data + "/cradle.db";
  fs::create_directories(db);
  const auto before = Snapshot(root.path());
  std::string out;
  const int rc = RunServer(data, &out);
  BOOST_TEST(rc != 0);
  BOOST_TEST(rc != 124, "the server started instead of failing");
  ExpectOneClearLine(out, db);
  // No certificates, keys, journal or admin token left behind.
  BOOST_TEST((Snapshot(root.path()) == before));
  BOOST_TEST(fs::is_empty(db));
}

}  // namespace
}  // namespace cradle::testing
