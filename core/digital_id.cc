#include "core/digital_id.h"

#include "core/uscc.h"
#include "core/waste_code.h"

namespace cradle {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Value of a run of ASCII digits (already checked, at most 4).
int DigitsValue(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Status Malformed(std::string message) { return Status("MALFORMED", std::move(message)); }
Status InvalidField(std::string message) { return Status("INVALID_FIELD", std::move(message)); }

// The field rules shared by ValidateDigitalId and SplitDigitalId; the shape is already checked.
Status CheckFieldRules(const DigitalId& id) {
  if (Status s = ValidateUscc(id.uscc); !s.ok()) return InvalidField("uscc: " + s.message());
  if (Status s = ValidateWasteCode(id.waste_code); !s.ok()) {
    return InvalidField("waste code: " + s.message());
  }
  if (!IsValidDate(id.date)) return InvalidField("date: no such day");
  if (id.serial < kMinSerial || id.serial > kMaxSerial) {
    return InvalidField("serial: must be 001..999");
  }
  return Status::Ok();
}

}  // namespace

std::string FormatSerial(int serial) {
  if (serial < 0) serial = 0;
  if (serial > kMaxSerial) serial = kMaxSerial;
  std::string out(3, '0');
  out[0] = static_cast<char>('0' + serial / 100);
  out[1] = static_cast<char>('0' + serial / 10 % 10);
  out[2] = static_cast<char>('0' + serial % 10);
  return out;
}

std::string BuildDigitalId(const DigitalId& id) {
  std::string out;
  out.reserve(kDigitalIdLength);
  out += id.uscc;
  out += id.waste_code;
  out += FormatCompactDate(id.date);
  out += FormatSerial(id.serial);
  return out;
}

Status ValidateDigitalId(const DigitalId& id) {
  if (id.uscc.size() != 18) return Malformed("uscc: must be 18 characters");
  if (!IsCompactWasteCode(id.waste_code)) return Malformed("waste code: must be 8 digits");
  if (id.date.year < 0 || id.date.year > 9999) return Malformed("date: year must be 4 digits");
  if (id.serial < 0 || id.serial > kMaxSerial) return Malformed("serial: must be 3 digits");
  return CheckFieldRules(id);
}

Result<DigitalId> SplitDigitalId(std::string_view text) {
  if (text.size() != kDigitalIdLength) {
    return Malformed("digital id: must be 37 characters, not " + std::to_string(text.size()));
  }
  std::string_view uscc = text.substr(0, 18);
  std::string_view code = text.substr(18, 8);
  std::string_view date = text.substr(26, 8);
  std::string_view serial = text.substr(34, 3);
  if (!AllDigits(code)) return Malformed("waste code: must be 8 digits");
  if (!AllDigits(date)) return Malformed("date: must be 8 digits");
  if (!AllDigits(serial)) return Malformed("serial: must be 3 digits");
  DigitalId id;
  id.uscc = std::string(uscc);
  id.waste_code = std::string(code);
  id.date = CivilDate{DigitsValue(date.substr(0, 4)), DigitsValue(date.substr(4, 2)),
                      DigitsValue(date.substr(6, 2))};
  id.serial = DigitsValue(serial);
  if (Status s = CheckFieldRules(id); !s.ok()) return s;
  return id;
}

}  // namespace cradle
