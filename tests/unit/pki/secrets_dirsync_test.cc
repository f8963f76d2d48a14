// A secret or key-id file renamed (or linked) into place survives power loss only once its
// directory entry is on disk: the directory itself must be fsynced after the link/rename.
// This binary interposes fsync(2) (its own definition wins over libc's for every call made
// from the statically linked cradle_pki) to see which descriptors are synced, and when.
#define BOOST_TEST_MODULE pki_secrets_dirsync_test
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "server/pki/secrets.h"
#include "server/pki/signing_keys.h"
#include "tests/unit/pki/pki_test_util.h"

namespace {

// What was fsynced: device, inode, whether a directory, and whether `g_watch` existed then.
struct SyncRecord {
  dev_t dev;
  ino_t ino;
  bool directory;
  bool watched_file_present;
};
std::vector<SyncRecord> g_syncs;
std::string g_watch;

}  // namespace

extern "C" int fsync(int fd) {
  using Fn = int (*)(int);
  static Fn real = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, "fsync"));
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    struct stat w {};
    g_syncs.push_back({st.st_dev, st.st_ino, S_ISDIR(st.st_mode),
                       !g_watch.empty() && ::stat(g_watch.c_str(), &w) == 0});
  }
  return real(fd);
}

namespace cradle::pki {
namespace {

using testing::ScratchDir;

// True when `dir` was fsynced at a moment `file` already existed (i.e. after it was linked or
// renamed into place).
bool DirSyncedAfter(const std::string& dir, const std::string& file) {
  struct stat d {};
  if (g_watch != file || ::stat(dir.c_str(), &d) != 0) return false;
  for (const auto& r : g_syncs) {
    if (r.directory && r.dev == d.st_dev && r.ino == d.st_ino && r.watched_file_present) {
      return true;
    }
  }
  return false;
}

void Watch(const std::string& file) {
  g_syncs.clear();
  g_watch = file;
}

BOOST_AUTO_TEST_CASE(a_secret_file_is_followed_by_a_directory_fsync) {
  ScratchDir dir;
  const std::string path = dir / "admin.token";
  Watch(path);
  BOOST_REQUIRE(WriteSecretFile(path, "crd_x\n").ok());
  BOOST_TEST(DirSyncedAfter(dir.path(), path));
}

BOOST_AUTO_TEST_CASE(a_replaced_public_file_is_followed_by_a_directory_fsync) {
  ScratchDir dir;
  const std::string path = dir / "active";
  BOOST_REQUIRE(WritePublicFile(path, "K1\n", 0600).ok());
  Watch(path);  // present from the start: the rename of the new content is what must land
  g_syncs.clear();
  BOOST_REQUIRE(WritePublicFile(path, "K2\n", 0600).ok());
  BOOST_TEST(DirSyncedAfter(dir.path(), path));
}

BOOST_AUTO_TEST_CASE(a_new_signing_key_and_active_file_are_durable) {
  for (const char* name : {"K1.key", "active"}) {
    ScratchDir dir;
    const std::string keys = dir / "keys";
    Watch(keys + "/" + name);
    auto store = SigningKeyStore::LoadOrCreate(keys);
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    BOOST_REQUIRE((*store)->Active().kid == "K1");
    BOOST_TEST(DirSyncedAfter(keys, keys + "/" + name), name);
  }
}

}  // namespace
}  // namespace cradle::pki
