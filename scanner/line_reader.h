// The keyboard-wedge reader: a handheld scanner "types" each QR code as one line, and a scale or
// the operator may type the measured mass on the next line ("1251.5" or "1251.5 kg"). This is a
// pure state machine: feed it lines, act on the events it returns. It never verifies a token;
// the caller does, and calls Refuse(token) when it turned the token down.
//
// Line rules:
//   - CR, LF and CRLF all end a line (scanners differ), so one Feed may yield several events;
//     spaces inside a token are kept (base45 has them);
//   - a blank line is ignored;
//   - a line whose first non-space character is a digit or '.' is a mass line (core's
//     ParseMass: kilograms by default); anything else is a token (the verifier says whether it
//     is a good one, so a garbled read still gets a verdict);
//   - a mass line is the mass of the previous token.
//
// With mass_required (pickup, receive) a token waits for its mass: if another token comes first,
// the earlier one keeps waiting and the next mass line is its own (first come, first weighed);
// at end of input every token still waiting is dropped. Without mass_required a token is
// complete at once (kToken) and a mass on the very next line is attached to it (kMass).
//
// Ownership: plain value. Thread safety: none; one reader per input stream.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cradle::scan {

struct LineEvent {
  enum class Kind {
    kToken,      // a new token was read; `token`; `waiting` tokens were already waiting
    kMass,       // `mass_g` measured for `token`
    kBadMass,    // a mass line that does not parse: `text`, `error`; nothing changes
    kStrayMass,  // a valid mass with no token to take it: `text`, `mass_g`
    kRepeat,     // `token` again while it still waits for its mass (a double trigger): ignored
    kDropped,    // end of input: `token` never got its mass
  };
  Kind kind = Kind::kToken;
  std::string token;
  std::optional<int64_t> mass_g;
  std::string text;
  Status error;
  size_t waiting = 0;
};

class LineReader {
 public:
  explicit LineReader(bool mass_required) : mass_required_(mass_required) {}

  using EventHandler = std::function<void(const LineEvent&)>;
  // Reads `chunk` (one or more lines) and calls `on_event` for each event in order, before
  // reading the next line: a Refuse() inside the handler applies to that event's token.
  void Feed(std::string_view chunk, const EventHandler& on_event);
  // The events of `chunk`, for callers that refuse nothing (tests, single lines).
  std::vector<LineEvent> Feed(std::string_view chunk);
  // End of input.
  std::vector<LineEvent> Finish();
  // The caller turned down `token` (of a kToken event): it waits for no mass.
  void Refuse(std::string_view token);

  // Tokens waiting for their mass, oldest first.
  const std::deque<std::string>& waiting() const { return waiting_; }

  // True for a line that is read as a mass rather than a token.
  static bool LooksLikeMass(std::string_view line);

 private:
  LineEvent OnToken(std::string token);
  LineEvent OnMass(std::string_view text);

  bool mass_required_;
  std::deque<std::string> waiting_;  // mass_required: tokens without mass yet
  std::optional<std::string> last_;  // !mass_required: the token just read, until a mass or
                                     // another line
};

}  // namespace cradle::scan
