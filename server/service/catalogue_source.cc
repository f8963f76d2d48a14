#include "server/service/catalogue_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cradle::service {
namespace {

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status("IO_ERROR", "cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Writes via a temporary file and rename, so a crash leaves the old edition or the new one.
Status WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status("IO_ERROR", "cannot write " + tmp);
    out << text;
    out.flush();
    if (!out) return Status("IO_ERROR", "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status("IO_ERROR", "cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status();
}

}  // namespace

Result<Catalogue> LoadDeploymentCatalogue(const std::string& data_dir) {
  const std::string csv = data_dir + "/catalogue/active.csv";
  if (!Exists(csv)) return LoadCatalogueCsv(EmbeddedCatalogue2016(), "2016");
  auto text = ReadAll(csv);
  if (!text.ok()) return text.status();
  auto edition = ReadAll(data_dir + "/catalogue/active.edition");
  if (!edition.ok()) return edition.status();
  std::string ed = *edition;
  while (!ed.empty() && (ed.back() == '\n' || ed.back() == ' ')) ed.pop_back();
  return LoadCatalogueCsv(*text, ed);
}

Status ImportCatalogue(const std::string& data_dir, const std::string& edition,
                       const std::string& csv_path) {
  bool edition_ok = edition.size() == 4;
  for (char c : edition) edition_ok = edition_ok && c >= '0' && c <= '9';
  if (!edition_ok) return Status("INVALID_FIELD", "edition must be a year such as 2025");
  auto text = ReadAll(csv_path);
  if (!text.ok()) return text.status();
  auto cat = LoadCatalogueCsv(*text, edition);
  if (!cat.ok()) return cat.status();
  const std::string dir = data_dir + "/catalogue";
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status("IO_ERROR", "cannot create " + dir + ": " + std::strerror(errno));
  }
  if (Status s = WriteAtomically(dir + "/active.csv", *text); !s.ok()) return s;
  return WriteAtomically(dir + "/active.edition", edition + "\n");
}

}  // namespace cradle::service
