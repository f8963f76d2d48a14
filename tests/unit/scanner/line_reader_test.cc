// The keyboard-wedge reader as a state machine: lines in, events out.
#define BOOST_TEST_MODULE scanner_line_reader
#include <boost/test/unit_test.hpp>

#include "scanner/line_reader.h"

namespace cradle::scan {
namespace {

using Kind = LineEvent::Kind;

const std::string kToken1 =
    "WM1:K1/91331000MA2H0A1B3E7720021820261128001/1250500/TB/"
    "7+G6H7L0H$E5RCI+$G6P4KOH0DABO2$0PQ8ARHMFAPZ76RROTCD9QA+S1AK8FQ9JUP$"
    "L1S2KPB9RYJ7CTJZNQDMTY7UVNJAK";
// Has spaces inside its base45 signature.
const std::string kToken2 =
    "WM1:K1/91331000MA2H0A1B3E7720021820261128999/1/TB/"
    "0WU-LHI5CCJEZ12/2R/WMQ C+1JG35+EEH8N4YLYZ4OIJPX8O020/O "
    "CF$U3L:64W0BU5+OEWKK.XG+Z5-I2NQ6DSGPTH.RL";

LineEvent Only(const std::vector<LineEvent>& events) {
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  return events.front();
}

BOOST_AUTO_TEST_CASE(token_with_spaces_is_kept_whole_and_crlf_stripped) {
  LineReader reader(/*mass_required=*/true);
  LineEvent event = Only(reader.Feed(kToken2 + "\r\n"));
  BOOST_CHECK(event.kind == Kind::kToken);
  BOOST_CHECK_EQUAL(event.token, kToken2);
  BOOST_CHECK_EQUAL(event.waiting, 0u);
  // Trailing spaces are part of what was typed; only CR/LF go.
  LineReader other(true);
  BOOST_CHECK_EQUAL(Only(other.Feed(kToken1 + " \r")).token, kToken1 + " ");
}

BOOST_AUTO_TEST_CASE(mass_on_next_line_plain_and_with_unit) {
  for (const std::string& line : {std::string("1251.5"), std::string("1251.5 kg"),
                                  std::string("1251.5 kg\r\n"), std::string("  1251.5KG ")}) {
    LineReader reader(true);
    BOOST_CHECK(Only(reader.Feed(kToken1)).kind == Kind::kToken);
    LineEvent mass = Only(reader.Feed(line));
    BOOST_CHECK_MESSAGE(mass.kind == Kind::kMass, line);
    BOOST_CHECK_EQUAL(mass.token, kToken1);
    BOOST_CHECK_EQUAL(*mass.mass_g, 1251500);
    BOOST_CHECK(reader.waiting().empty());
    BOOST_CHECK(reader.Finish().empty());
  }
  LineReader tonnes(true);
  tonnes.Feed(kToken1);
  BOOST_CHECK_EQUAL(*Only(tonnes.Feed("1.2515 t")).mass_g, 1251500);
}

BOOST_AUTO_TEST_CASE(mass_before_any_token_is_stray) {
  LineReader reader(true);
  LineEvent event = Only(reader.Feed("1251.5"));
  BOOST_CHECK(event.kind == Kind::kStrayMass);
  BOOST_CHECK_EQUAL(*event.mass_g, 1251500);
  LineReader optional(false);
  BOOST_CHECK(Only(optional.Feed("12 kg")).kind == Kind::kStrayMass);
}

BOOST_AUTO_TEST_CASE(bad_mass_keeps_the_token_waiting) {
  LineReader reader(true);
  reader.Feed(kToken1);
  LineEvent bad = Only(reader.Feed("12,5 kg"));
  BOOST_CHECK(bad.kind == Kind::kBadMass);
  BOOST_CHECK_EQUAL(bad.error.code(), "INVALID_MASS");
  BOOST_CHECK_EQUAL(reader.waiting().size(), 1u);
  LineEvent good = Only(reader.Feed("12.5"));
  BOOST_CHECK(good.kind == Kind::kMass);
  BOOST_CHECK_EQUAL(*good.mass_g, 12500);
}

BOOST_AUTO_TEST_CASE(two_tokens_in_a_row_first_keeps_waiting) {
  LineReader reader(true);
  reader.Feed(kToken1);
  LineEvent second = Only(reader.Feed(kToken2));
  BOOST_CHECK(second.kind == Kind::kToken);
  BOOST_CHECK_EQUAL(second.waiting, 1u);  // the caller prompts for the first one's mass
  LineEvent m1 = Only(reader.Feed("1251.5"));
  BOOST_CHECK_EQUAL(m1.token, kToken1);
  BOOST_CHECK_EQUAL(m1.waiting, 1u);
  LineEvent m2 = Only(reader.Feed("0.001"));
  BOOST_CHECK_EQUAL(m2.token, kToken2);
  BOOST_CHECK_EQUAL(*m2.mass_g, 1);
  BOOST_CHECK(Only(reader.Feed("3")).kind == Kind::kStrayMass);
}

BOOST_AUTO_TEST_CASE(same_token_twice_while_waiting_is_a_repeat) {
  LineReader reader(true);
  reader.Feed(kToken1);
  BOOST_CHECK(Only(reader.Feed(kToken1 + "\n")).kind == Kind::kRepeat);
  BOOST_CHECK_EQUAL(reader.waiting().size(), 1u);
}

BOOST_AUTO_TEST_CASE(eof_drops_tokens_without_mass) {
  LineReader reader(true);
  reader.Feed(kToken1);
  reader.Feed(kToken2);
  std::vector<LineEvent> end = reader.Finish();
  BOOST_REQUIRE_EQUAL(end.size(), 2u);
  BOOST_CHECK(end[0].kind == Kind::kDropped);
  BOOST_CHECK_EQUAL(end[0].token, kToken1);
  BOOST_CHECK_EQUAL(end[1].token, kToken2);
  BOOST_CHECK(reader.Finish().empty());
  LineReader empty(true);
  BOOST_CHECK(empty.Finish().empty());
}

BOOST_AUTO_TEST_CASE(refused_token_takes_no_mass) {
  LineReader reader(true);
  reader.Feed(kToken1);
  reader.Refuse(kToken1);
  BOOST_CHECK(reader.waiting().empty());
  BOOST_CHECK(Only(reader.Feed("10")).kind == Kind::kStrayMass);
}

// Scanners set to end each read with a bare CR (a common default) must not glue labels together.
BOOST_AUTO_TEST_CASE(cr_only_line_endings_split_reads) {
  LineReader reader(true);
  auto events = reader.Feed(std::string(kToken1) + "\r" + kToken2 + "\r1251.5\r");
  BOOST_REQUIRE_EQUAL(events.size(), 3u);
  BOOST_CHECK(events[0].kind == Kind::kToken);
  BOOST_CHECK_EQUAL(events[0].token, kToken1);
  BOOST_CHECK(events[1].kind == Kind::kToken);
  BOOST_CHECK_EQUAL(events[1].token, kToken2);
  BOOST_CHECK(events[2].kind == Kind::kMass);
  BOOST_CHECK_EQUAL(events[2].token, kToken1);
  BOOST_CHECK_EQUAL(*events[2].mass_g, 1251500);
  // Refusing the second read leaves the first's mass taken and nothing waiting.
  reader.Refuse(kToken2);
  BOOST_CHECK(reader.waiting().empty());
}

// A token refused while its chunk is being read takes no mass from a later line of that chunk.
BOOST_AUTO_TEST_CASE(refusal_inside_a_chunk_applies_to_that_token) {
  LineReader reader(true);
  std::vector<LineEvent> seen;
  reader.Feed(std::string(kToken1) + "\r10\r", [&](const LineEvent& e) {
    seen.push_back(e);
    if (e.kind == Kind::kToken) reader.Refuse(e.token);
  });
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_CHECK(seen[1].kind == Kind::kStrayMass);
}

BOOST_AUTO_TEST_CASE(optional_mass_kinds_complete_at_once) {
  LineReader reader(false);
  BOOST_CHECK(Only(reader.Feed(kToken1)).kind == Kind::kToken);
  LineEvent mass = Only(reader.Feed("1251.5 kg"));
  BOOST_CHECK(mass.kind == Kind::kMass);
  BOOST_CHECK_EQUAL(mass.token, kToken1);
  BOOST_CHECK(Only(reader.Feed("1251.5 kg")).kind == Kind::kStrayMass);  // only once
  reader.Feed(kToken1);
  reader.Feed(kToken2);
  BOOST_CHECK_EQUAL(Only(reader.Feed("2")).token, kToken2);  // the previous token
  BOOST_CHECK(reader.Finish().empty());                      // nothing ever waits
}

BOOST_AUTO_TEST_CASE(blank_lines_and_garbage) {
  LineReader reader(true);
  BOOST_CHECK(reader.Feed("").empty());
  BOOST_CHECK(reader.Feed("\r\n").empty());
  BOOST_CHECK(reader.Feed("   ").empty());
  // Not a number: read as a token (the verifier will call it MALFORMED).
  BOOST_CHECK(Only(reader.Feed("hello")).kind == Kind::kToken);
  // A long digit string is a garbled token, not a weight.
  BOOST_CHECK(Only(reader.Feed(std::string(40, '7'))).kind == Kind::kToken);
  BOOST_CHECK(LineReader::LooksLikeMass(".5"));
  BOOST_CHECK(!LineReader::LooksLikeMass("WM1:"));
}

}  // namespace
}  // namespace cradle::scan
