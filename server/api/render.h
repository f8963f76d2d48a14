// JSON renderings of records, as the API documents them (openapi.yaml). Times are RFC 3339 in
// the deployment's zone; masses are integer grams; waste codes are dashed.
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "server/service/cases.h"
#include "server/service/manifests.h"
#include "server/service/parties.h"
#include "server/service/transfers.h"
#include "server/store/records.h"

namespace cradle::api {

boost::json::object RenderOrg(const store::Org& org, int tz);
boost::json::object RenderFacility(const store::Facility& f, int tz);
boost::json::object RenderProgramme(const service::ProgrammeWithMembers& p, int tz);
boost::json::object RenderManifest(const store::Manifest& m, int tz);
boost::json::object RenderEvent(const store::ManifestEvent& e, int tz);
boost::json::object RenderAudit(const store::AuditEntry& a);
boost::json::object RenderCase(const store::Case& c, int tz);
boost::json::object RenderCaseWithHistory(const service::CaseWithHistory& c, int tz);

// Transfers (../shared/spec/transfers.md): the list item (no containers), the whole transfer
// with its containers, lines, discrepancies, revisions and history, and one revision.
boost::json::object RenderTransferSummary(const store::Transfer& t, int tz);
boost::json::object RenderTransfer(const service::TransferView& v, int tz);
boost::json::object RenderRevision(const store::TransferRevision& r, int tz);

template <class T, class C, class F>
boost::json::object RenderPage(const store::Page<T, C>& page, F render_item) {
  boost::json::array items;
  for (const auto& item : page.items) items.push_back(render_item(item));
  boost::json::object out{{"items", std::move(items)}};
  if (page.next) {
    if constexpr (std::is_same_v<C, std::string>) {
      out["next"] = *page.next;
    } else {
      out["next"] = std::to_string(*page.next);
    }
  } else {
    out["next"] = nullptr;
  }
  return out;
}

}  // namespace cradle::api
