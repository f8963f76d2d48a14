// The National Hazardous Waste List (国家危险废物名录) of one edition, loaded from CSV.
//
// CSV columns, exactly: code,category,category_name,industry,description,hazards (header row
// required, RFC 4180 double-quote quoting, CRLF or LF, a UTF-8 BOM tolerated, a final newline
// optional). A file is rejected as a whole with code CATALOGUE_INVALID and a message starting
// "line N: " (the physical line where the record starts): wrong column count, bad code shape,
// category not equal to the code's last two digits, vacant HW41-HW44, duplicate code, empty
// category name.
//
// Ownership and thread safety: a Catalogue owns its entries and is immutable after loading;
// concurrent const use is safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace cradle {

struct CatalogueEntry {
  std::string code;           // "772-002-18"
  std::string category;       // "HW18"
  std::string category_name;  // "焚烧处置残渣"
  std::string industry;       // may be empty
  std::string description;
  std::string hazards;  // letters of T, C, I, R and "In"; may be empty
};

class Catalogue {
 public:
  Catalogue() = default;

  const std::string& edition() const { return edition_; }
  size_t size() const { return entries_.size(); }
  // By code in either shape ("772-002-18" or "77200218"); nullptr when not listed.
  const CatalogueEntry* Find(std::string_view code) const;
  // "HW18" -> number of entries, for every category present.
  std::map<std::string, int> CountByCategory() const;
  // The name of a category ("HW18" -> "焚烧处置残渣"), empty when absent.
  std::string CategoryName(std::string_view category) const;
  // In file order.
  const std::vector<CatalogueEntry>& entries() const { return entries_; }

 private:
  friend Result<Catalogue> LoadCatalogueCsv(std::string_view csv_text, std::string edition);
  std::string edition_;
  std::vector<CatalogueEntry> entries_;
  std::unordered_map<std::string, size_t> by_code_;  // dashed code -> index
};

Result<Catalogue> LoadCatalogueCsv(std::string_view csv_text, std::string edition);

}  // namespace cradle
