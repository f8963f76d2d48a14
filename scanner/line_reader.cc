#include "scanner/line_reader.h"

#include <algorithm>

#include "core/mass.h"

namespace cradle::scan {

namespace {

std::string_view StripCrLf(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// A mass is short; a long numeric-looking line is a garbled token, not a weight.
constexpr size_t kMaxMassLineLength = 32;

}  // namespace

bool LineReader::LooksLikeMass(std::string_view line) {
  line = StripCrLf(line);
  size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line.size() > kMaxMassLineLength) return false;
  char c = line[first];
  return (c >= '0' && c <= '9') || c == '.';
}

void LineReader::Feed(std::string_view raw, const EventHandler& on_event) {
  // Scanners end a read with CR, LF or CRLF depending on their setup, and a reader that splits
  // only at LF hands over "TOKEN1\rTOKEN2\r": every CR or LF ends a line here. Each event is
  // handled before the next line is read, so a Refuse() applies to the right token.
  while (!raw.empty()) {
    const size_t end = raw.find_first_of("\r\n");
    const std::string_view line = raw.substr(0, end);
    raw = end == std::string_view::npos ? std::string_view() : raw.substr(end + 1);
    if (IsBlank(line)) continue;
    on_event(LooksLikeMass(line) ? OnMass(line) : OnToken(std::string(line)));
  }
}

std::vector<LineEvent> LineReader::Feed(std::string_view raw) {
  std::vector<LineEvent> events;
  Feed(raw, [&](const LineEvent& e) { events.push_back(e); });
  return events;
}

LineEvent LineReader::OnToken(std::string token) {
  LineEvent event;
  if (!mass_required_) {
    last_ = token;
    event.kind = LineEvent::Kind::kToken;
    event.token = std::move(token);
    return event;
  }
  if (std::find(waiting_.begin(), waiting_.end(), token) != waiting_.end()) {
    event.kind = LineEvent::Kind::kRepeat;
    event.token = std::move(token);
    event.waiting = waiting_.size();
    return event;
  }
  event.kind = LineEvent::Kind::kToken;
  event.waiting = waiting_.size();
  event.token = token;
  waiting_.push_back(std::move(token));
  return event;
}

LineEvent LineReader::OnMass(std::string_view text) {
  LineEvent event;
  event.text = std::string(text);
  Result<int64_t> mass = ParseMass(text);
  if (!mass.ok()) {
    event.kind = LineEvent::Kind::kBadMass;
    event.error = mass.status();
    return event;
  }
  event.mass_g = *mass;
  if (mass_required_ && !waiting_.empty()) {
    event.kind = LineEvent::Kind::kMass;
    event.token = std::move(waiting_.front());
    waiting_.pop_front();
    event.waiting = waiting_.size();
    return event;
  }
  if (!mass_required_ && last_) {
    event.kind = LineEvent::Kind::kMass;
    event.token = std::move(*last_);
    last_.reset();
    return event;
  }
  event.kind = LineEvent::Kind::kStrayMass;
  return event;
}

std::vector<LineEvent> LineReader::Finish() {
  std::vector<LineEvent> events;
  for (std::string& token : waiting_) {
    LineEvent event;
    event.kind = LineEvent::Kind::kDropped;
    event.token = std::move(token);
    events.push_back(std::move(event));
  }
  waiting_.clear();
  last_.reset();
  return events;
}

void LineReader::Refuse(std::string_view token) {
  if (mass_required_) {
    // The newest occurrence: one Feed may have read several tokens.
    auto it = std::find(waiting_.rbegin(), waiting_.rend(), token);
    if (it != waiting_.rend()) waiting_.erase(std::next(it).base());
  } else if (last_ && *last_ == token) {
    last_.reset();
  }
}

}  // namespace cradle::scan
