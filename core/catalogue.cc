#include "core/catalogue.h"

#include <array>

#include "core/waste_code.h"

namespace cradle {
namespace {

constexpr std::array<std::string_view, 6> kColumns = {"code",     "category",    "category_name",
                                                      "industry", "description", "hazards"};

struct Record {
  size_t line = 0;  // physical line where the record starts
  std::vector<std::string> fields;
};

Status Invalid(size_t line, const std::string& message) {
  return Status("CATALOGUE_INVALID", "line " + std::to_string(line) + ": " + message);
}

// RFC 4180 reader: commas between fields, CRLF or LF between records, double quotes around a
// field that holds commas, quotes ("" inside) or line breaks.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }

  // The next record, or an error for an unterminated or stray quote.
  Result<Record> Next() {
    Record record;
    record.line = line_;
    std::string field;
    bool quoted = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (quoted) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            quoted = false;
            if (pos_ < text_.size() && !IsFieldEnd(text_[pos_])) {
              return Invalid(line_, "text after a closing quote");
            }
          }
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
      } else if (c == '"' && field.empty()) {
        quoted = true;
      } else if (c == '"') {
        return Invalid(line_, "quote inside an unquoted field");
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
        continue;  // the '\n' ends the record
      } else if (c == '\n') {
        ++line_;
        record.fields.push_back(std::move(field));
        return record;
      } else {
        field += c;
      }
    }
    if (quoted) return Invalid(record.line, "unterminated quoted field");
    record.fields.push_back(std::move(field));
    return record;
  }

  // True when only line breaks remain.
  bool OnlyBlankLinesLeft() const {
    return text_.find_first_not_of("\r\n", pos_) == std::string_view::npos;
  }

 private:
  static bool IsFieldEnd(char c) { return c == ',' || c == '\n' || c == '\r'; }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// "T", "T,I", "T/In", "C、R" -> "T", "TI", "TIn", "CR"; an unknown letter is an error.
Result<std::string> NormaliseHazards(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("In")) {
      out += "In";
      i += 2;
    } else if (rest[0] == 'T' || rest[0] == 'C' || rest[0] == 'I' || rest[0] == 'R') {
      out += rest[0];
      ++i;
    } else if (rest[0] == ',' || rest[0] == '/' || rest[0] == ' ' || rest[0] == ';') {
      ++i;
    } else if (rest.starts_with("，") || rest.starts_with("、")) {
      i += 3;
    } else {
      return Status("BAD", "");
    }
  }
  return out;
}

bool IsCompactDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

Status CheckEntry(const Record& record, CatalogueEntry& entry) {
  const auto& f = record.fields;
  if (f.size() != kColumns.size()) {
    return Invalid(record.line, "expected 6 columns, found " + std::to_string(f.size()));
  }
  entry = CatalogueEntry{f[0], f[1], f[2], f[3], f[4], ""};
  if (!IsDashedWasteCode(entry.code)) {
    return Invalid(record.line, "code " + entry.code + " is not NNN-NNN-NN");
  }
  const std::string& cat = entry.category;
  bool shaped = cat.size() == 4 && cat.starts_with("HW") && IsCompactDigits(cat.substr(2));
  if (!shaped) return Invalid(record.line, "category " + cat + " is not HWnn");
  int category = (cat[2] - '0') * 10 + (cat[3] - '0');
  if (IsVacantCategory(category)) return Invalid(record.line, "category " + cat + " is vacant");
  if (!IsValidCategory(category)) {
    return Invalid(record.line, "category " + cat + " is not one of HW01..HW50");
  }
  if (category != WasteCodeCategory(entry.code)) {
    return Invalid(record.line, "category " + cat + " does not match code " + entry.code);
  }
  if (entry.category_name.empty()) return Invalid(record.line, "empty category_name");
  if (entry.description.empty()) return Invalid(record.line, "empty description");
  auto hazards = NormaliseHazards(f[5]);
  if (!hazards.ok()) {
    return Invalid(record.line, "hazards " + f[5] + " is not made of T, C, I, R, In");
  }
  entry.hazards = std::move(*hazards);
  return Status::Ok();
}

Status CheckHeader(const Record& header) {
  if (header.fields.size() != kColumns.size()) {
    return Invalid(header.line,
                   "header must be code,category,category_name,industry,"
                   "description,hazards");
  }
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (header.fields[i] != kColumns[i]) {
      return Invalid(header.line, "header column " + std::to_string(i + 1) + " must be " +
                                      std::string(kColumns[i]) + ", not " + header.fields[i]);
    }
  }
  return Status::Ok();
}

}  // namespace

const CatalogueEntry* Catalogue::Find(std::string_view code) const {
  std::string key(code);
  if (IsCompactWasteCode(code)) key = *WasteCodeToDashed(code);
  auto it = by_code_.find(key);
  return it == by_code_.end() ? nullptr : &entries_[it->second];
}

std::map<std::string, int> Catalogue::CountByCategory() const {
  std::map<std::string, int> counts;
  for (const CatalogueEntry& e : entries_) ++counts[e.category];
  return counts;
}

std::string Catalogue::CategoryName(std::string_view category) const {
  for (const CatalogueEntry& e : entries_) {
    if (e.category == category) return e.category_name;
  }
  return "";
}

Result<Catalogue> LoadCatalogueCsv(std::string_view csv_text, std::string edition) {
  if (csv_text.starts_with("\xEF\xBB\xBF")) csv_text.remove_prefix(3);
  CsvReader reader(csv_text);
  if (reader.OnlyBlankLinesLeft()) return Invalid(1, "no header");
  auto header = reader.Next();
  if (!header.ok()) return header.status();
  if (Status s = CheckHeader(*header); !s.ok()) return s;

  Catalogue catalogue;
  catalogue.edition_ = std::move(edition);
  std::unordered_map<std::string, size_t> first_line;
  while (!reader.OnlyBlankLinesLeft()) {
    auto record = reader.Next();
    if (!record.ok()) return record.status();
    CatalogueEntry entry;
    if (Status s = CheckEntry(*record, entry); !s.ok()) return s;
    auto [it, inserted] = first_line.emplace(entry.code, record->line);
    if (!inserted) {
      return Invalid(record->line, "duplicate code " + entry.code + " (first on line " +
                                       std::to_string(it->second) + ")");
    }
    catalogue.by_code_.emplace(entry.code, catalogue.entries_.size());
    catalogue.entries_.push_back(std::move(entry));
  }
  if (catalogue.entries_.empty()) return Invalid(2, "no entries");
  return catalogue;
}

}  // namespace cradle
