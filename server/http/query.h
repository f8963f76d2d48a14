// Percent-decoding of request targets and query strings (RFC 3986; "+" as space in queries,
// as HTML forms send them). Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cradle::http {

// Decodes %XX escapes; with `plus_as_space`, '+' becomes ' '. nullopt on a malformed escape
// ("%4", "%zz") or a NUL byte, decoded or raw.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);

// Parses "a=1&b=x+y&c" into {a:"1", b:"x y", c:""}; empty pairs are skipped. nullopt when an
// escape is malformed.
std::optional<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

// Splits a raw target "/p/a?q" into its path "/p/a" and query "q" (no '?': empty query).
void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

}  // namespace cradle::http
