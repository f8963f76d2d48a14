// Fuzz target: the hazardous waste catalogue CSV (LoadCatalogueCsv), which an operator may
// replace with a new edition.
//
// Properties: a loaded catalogue finds each of its entries by its dashed and its 8-digit code
// (and gets the same entry), every entry's category is HW + the code's last two digits and a
// valid category with a name, CountByCategory adds up to size(); a rejection is
// CATALOGUE_INVALID with a message starting "line N: ".
#include <cstdint>
#include <string>

#include "core/catalogue.h"
#include "core/waste_code.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cradle::fuzz::Printable;
  const std::string_view input = cradle::fuzz::AsText(data, size);
  auto catalogue = cradle::LoadCatalogueCsv(input, "fuzz");
  if (!catalogue.ok()) {
    const cradle::Status s = catalogue.status();
    FUZZ_CHECK(s.code() == "CATALOGUE_INVALID", s.ToString());
    FUZZ_CHECK(s.message().starts_with("line "), s.message());
    const size_t digits = s.message().find_first_not_of("0123456789", 5);
    FUZZ_CHECK(digits > 5 && digits != std::string::npos && s.message().substr(digits, 2) == ": ",
               s.message());
    return 0;
  }
  FUZZ_CHECK(catalogue->edition() == "fuzz", catalogue->edition());
  FUZZ_CHECK(catalogue->size() == catalogue->entries().size(), Printable(input));
  size_t counted = 0;
  for (const auto& [category, n] : catalogue->CountByCategory()) {
    FUZZ_CHECK(n > 0, category);
    counted += static_cast<size_t>(n);
    FUZZ_CHECK(!catalogue->CategoryName(category).empty(), category);
  }
  FUZZ_CHECK(counted == catalogue->size(), Printable(input));
  for (const cradle::CatalogueEntry& e : catalogue->entries()) {
    FUZZ_CHECK(catalogue->Find(e.code) == &e, e.code);
    auto compact = cradle::WasteCodeToCompact(e.code);
    FUZZ_CHECK(compact.ok(), e.code);
    FUZZ_CHECK(catalogue->Find(*compact) == &e, e.code);
    const int category = cradle::WasteCodeCategory(e.code);
    FUZZ_CHECK(cradle::IsValidCategory(category), e.code);
    FUZZ_CHECK(e.category == cradle::FormatCategory(category), e.code + " " + e.category);
    FUZZ_CHECK(!e.category_name.empty(), e.code);
  }
  return 0;
}
