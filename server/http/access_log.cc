#include "server/http/access_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/clock.h"

namespace cradle::http {

std::string FormatTimestamp(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  int millis = static_cast<int>((micros % 1000000) / 1000);
  if (micros < 0 && micros % 1000000 != 0) {  // floor toward the past for pre-1970 times
    secs -= 1;
    millis = static_cast<int>((1000000 + micros % 1000000) / 1000);
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // generous: the compiler cannot bound tm's fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

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

std::unique_ptr<AccessLog> AccessLog::Null() {
  return std::make_unique<AccessLog>([](std::string_view) {});
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
  o["ts"] = FormatTimestamp(r.ts_micros);
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
  o["ts"] = FormatTimestamp(SystemClock().NowMicros());
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
