// Transfer request bodies (../shared/spec/transfers.md "Endpoints") -> typed use-case inputs,
// every field checked, in the style of requests.h. Plain functions with no I/O, so each rule
// has a unit test and a fuzz target (fuzz/transfer_requests.cc) feeds them arbitrary bodies.
//
// Each reader takes a FieldReader over `body` (the body itself is passed too, for the arrays of
// objects that FieldReader does not read) and returns the input; it is only meaningful when
// `reader.ok()` afterwards, otherwise the errors are in the reader. Field errors use the codes
// of requests.h (REQUIRED, WRONG_TYPE, TOO_LONG, OUT_OF_RANGE, UNKNOWN_FIELD, INVALID_*).
// Thread safety: pure functions.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/api/json_io.h"
#include "server/service/transfers.h"

namespace cradle::api {

inline constexpr int64_t kMaxWeighbridgeGrams = 1'000'000'000;  // 1000 t: any road load
inline constexpr int64_t kMaxContainerGrams = 50'000'000;       // 50 t, as a label's mass

// POST /api/v1/transfers
service::CreateTransferInput ReadCreateTransfer(FieldReader& reader,
                                                const boost::json::object& body);

// POST /api/v1/transfers/{id}/containers: at least one of add and remove.
struct ContainerEdit {
  std::vector<std::string> add, remove;
};
ContainerEdit ReadContainerEdit(FieldReader& reader, const boost::json::object& body);

// Bodies of actions that take no fields (submit, sign): {} or nothing.
struct NoFields {};
NoFields ReadNoFields(FieldReader& reader, const boost::json::object& body);

// POST /api/v1/transfers/{id}/cancel: a non-empty reason.
std::string ReadCancel(FieldReader& reader, const boost::json::object& body);

// POST /api/v1/transfers/{id}/receipt
service::ReceiptInput ReadReceipt(FieldReader& reader, const boost::json::object& body);

// POST /api/v1/transfers/{id}/return: "sender" or a facility id.
std::string ReadReturn(FieldReader& reader, const boost::json::object& body);

// POST /api/v1/transfers/{id}/revisions: something to correct, and why.
struct RevisionProposal {
  service::RevisionChanges changes;
  std::string reason;
};
RevisionProposal ReadRevisionProposal(FieldReader& reader, const boost::json::object& body);

// POST /api/v1/revisions/{id}/approve and .../refuse: an optional note.
std::string ReadRevisionAnswer(FieldReader& reader, const boost::json::object& body);

// The discrepancy fields of Art. 19.
bool IsDiscrepancyField(const std::string& field);

}  // namespace cradle::api
