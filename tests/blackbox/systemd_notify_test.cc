// The server tells systemd it is ready (Type=notify) and that it is stopping, through
// $NOTIFY_SOCKET, and exits 0 after SIGTERM.
#define BOOST_TEST_MODULE systemd_notify
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <string>

#include "tests/blackbox/server_process.h"

namespace {

std::string Receive(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return "";
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(ready_and_stopping_are_sent) {
  const std::string dir = cradle::testing::MakeTempDir("cradle-notify");
  const std::string path = dir + "/notify.sock";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  BOOST_REQUIRE_EQUAL(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  cradle::testing::ServerProcess server;
  BOOST_REQUIRE(server.Start().ok());
  ::unsetenv("NOTIFY_SOCKET");
  BOOST_CHECK_EQUAL(Receive(fd, 30000), "READY=1");
  BOOST_CHECK_EQUAL(server.Stop(), 0);
  BOOST_CHECK_EQUAL(Receive(fd, 30000), "STOPPING=1");
  ::close(fd);
}

// SIGTERM the moment the server says READY (as systemd may): it must drain and exit 0, never die
// of the signal before its handler is installed.
BOOST_AUTO_TEST_CASE(sigterm_right_after_ready_exits_cleanly) {
  cradle::testing::ServerProcess server;
  for (int i = 0; i < 8; ++i) {
    BOOST_REQUIRE(server.Start().ok());
    BOOST_CHECK_EQUAL(server.Stop(), 0);
  }
}
