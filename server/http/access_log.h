// One JSON line per request, and error lines, written to a sink (stderr, a file, or a
// function for tests).
//
// Access line: {"ts","method","route","status","dur_ms","req_id","ip","bytes"}. `route` is
// the route template (or the raw path without its query when the caller chooses); the log
// never carries query strings, headers (Authorization, cookies) or bodies: AccessRecord has
// no field for them, by design.
//
// Thread safety: Write/Error are safe from any thread; each line is written whole under a
// mutex. Ownership: the log owns its file (closed on destruction).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cradle::http {

struct AccessRecord {
  int64_t ts_micros = 0;  // when the request arrived, microseconds since the epoch (UTC)
  std::string method;
  std::string route;
  int status = 0;
  double dur_ms = 0;
  std::string req_id;
  std::string ip;
  uint64_t bytes = 0;  // response body bytes
};

class AccessLog {
 public:
  using Sink = std::function<void(std::string_view line)>;  // gets a line without '\n'

  explicit AccessLog(Sink sink);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  static std::unique_ptr<AccessLog> Stderr();
  // Appends to `path` (created 0640 if missing).
  static Result<std::unique_ptr<AccessLog>> OpenFile(const std::string& path);

  void Write(const AccessRecord& record);
  // {"ts","level":"error","msg","req_id"}: e.g. a handler that threw.
  void Error(std::string_view message, std::string_view req_id = {});

  // The JSON line for `record` (no newline).
  static std::string Format(const AccessRecord& record);

 private:
  void Emit(const std::string& line);

  std::mutex mu_;
  Sink sink_;
  std::FILE* file_ = nullptr;  // owned when OpenFile made it
};

}  // namespace cradle::http
