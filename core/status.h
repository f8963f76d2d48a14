// Errors as values on every I/O and parsing path (in the manner of leveldb's Status).
//
// A Status is either OK or carries a machine-readable `code` (an UPPER_SNAKE string that
// clients see, e.g. "MALFORMED", "STORAGE_UNAVAILABLE") and a human-readable message.
// Result<T> is a T or a non-OK Status.
//
// Thread safety: plain values; safe to copy between threads, not to mutate concurrently.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cradle {

class Status {
 public:
  Status() = default;  // OK
  Status(std::string code, std::string message)
      : code_(std::move(code)), message_(std::move(message)) {}
  // A message for the operator only (it quotes SQLite or names a file): the API answers a
  // generic detail and logs this one.
  static Status Private(std::string code, std::string message) {
    Status s(std::move(code), std::move(message));
    s.private_ = true;
    return s;
  }

  static Status Ok() { return Status(); }

  bool ok() const { return code_.empty(); }
  explicit operator bool() const { return ok(); }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  bool message_is_private() const { return private_; }
  std::string ToString() const { return ok() ? "OK" : code_ + ": " + message_; }

 private:
  std::string code_;
  std::string message_;
  bool private_ = false;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cradle
