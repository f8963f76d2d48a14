#include "server/http/access_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "core/civil_time.h"
#include "core/clock.h"

namespace cradle::http {

AccessLog::AccessLog(Sink sink) : sink_(std::move(sink)) {}

AccessLog::~AccessLog() {
  if (file_) std::fclose(file_);
}

std::unique_ptr<AccessLog> AccessLog::Stderr() {
  return std::make_unique<AccessLog>([](std::string_view line) {
    std::string out(line);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stderr);
  });
}

Result<std::unique_ptr<AccessLog>> AccessLog::OpenFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status("LOG_UNAVAILABLE", path + ": " + std::strerror(errno));
  std::FILE* file = ::fdopen(fd, "a");
  if (!file) {
    ::close(fd);
    return Status("LOG_UNAVAILABLE", path + ": " + std::strerror(errno));
  }
  auto log = std::make_unique<AccessLog>([file](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), file);
    std::fputc('\n', file);
    std::fflush(file);
  });
  log->file_ = file;
  return log;
}

std::string AccessLog::Format(const AccessRecord& r) {
  boost::json::object o;
  o["ts"] = FormatRfc3339Utc(r.ts_micros, SecondFraction::kMillis);
  o["method"] = r.method;
  o["route"] = r.route;
  o["status"] = r.status;
  o["dur_ms"] = static_cast<double>(static_cast<int64_t>(r.dur_ms * 1000 + 0.5)) / 1000;
  o["req_id"] = r.req_id;
  o["ip"] = r.ip;
  o["bytes"] = r.bytes;
  return boost::json::serialize(o);
}

void AccessLog::Write(const AccessRecord& record) { Emit(Format(record)); }

void AccessLog::Error(std::string_view message, std::string_view req_id) {
  boost::json::object o;
  o["ts"] = FormatRfc3339Utc(SystemClock().NowMicros(), SecondFraction::kMillis);
  o["level"] = "error";
  o["msg"] = message;
  if (!req_id.empty()) o["req_id"] = req_id;
  Emit(boost::json::serialize(o));
}

void AccessLog::Emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  sink_(line);
}

}  // namespace cradle::http
