// Request bodies -> typed use-case inputs, with every field checked. Plain functions (no I/O)
// so each rule has a unit test; handlers call them and answer 422 with the collected errors.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/catalogue.h"
#include "server/api/json_io.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/store/records.h"

namespace cradle::api {

// Each returns the input when `reader.ok()` afterwards; otherwise the errors are in reader.
store::Org ReadOrg(FieldReader& reader);
service::IssueRequest ReadIssueRequest(FieldReader& reader, const Catalogue& catalogue);
store::Facility ReadFacility(FieldReader& reader);
struct ProgrammeInput {
  store::Programme programme;
  std::vector<std::string> members;
};
ProgrammeInput ReadProgramme(FieldReader& reader);
struct TokenInput {
  std::string role;
  std::string label;
};
TokenInput ReadTokenRequest(FieldReader& reader);
struct DeviceInput {
  std::string device_id;
  std::string org;
};
DeviceInput ReadDevice(FieldReader& reader);
struct LabelRunInput {
  std::vector<std::string> ids;
  std::string format;  // "pdf" | "zpl"
  int size = 100;
};
LabelRunInput ReadLabelRun(FieldReader& reader);

// A USCC after normalisation (full-width, case, spaces), or an error recorded under `field`.
std::string ReadUscc(FieldReader& reader, const char* field, bool required);

}  // namespace cradle::api
