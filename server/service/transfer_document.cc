#include "server/service/transfer_document.h"

#include "core/transfer_token.h"
#include "core/waste_code.h"
#include "server/store/facilities.h"
#include "server/store/orgs.h"

namespace cradle::service {
namespace {

std::string Dashed(const std::string& compact) {
  auto d = WasteCodeToDashed(compact);
  return d.ok() ? *d : compact;
}

// Sums the renderer prints only once something was weighed (a blank, not 0, before pickup).
std::optional<int64_t> IfWeighed(int64_t g) {
  return g > 0 ? std::optional<int64_t>(g) : std::nullopt;
}

Result<TransferParties> LoadParties(const Context& ctx, const store::Transfer& t) {
  TransferParties out;
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    auto sender = store::FindOrg(txn, t.sender);
    if (!sender.ok()) return sender.status();
    out.sender = std::move(*sender);
    auto carrier = store::FindOrg(txn, t.carrier);
    if (!carrier.ok()) return carrier.status();
    out.carrier = std::move(*carrier);
    if (t.receiver) {
      auto facility = store::FindFacility(txn, *t.receiver);
      if (!facility.ok()) return facility.status();
      auto op = store::FindOrg(txn, facility->operator_org);
      if (!op.ok()) return op.status();
      out.receiver = std::move(*facility);
      out.receiver_operator = std::move(*op);
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

labels::TransferSheet TransferSheetFor(const TransferView& v, const TransferParties& parties,
                                       const Catalogue& catalogue, int64_t printed_at, int tz) {
  const store::Transfer& t = v.t;
  labels::TransferSheet s;
  s.number = t.id;
  s.status = t.status;
  s.purpose = t.purpose;
  s.planned_on = t.planned_on.value_or(t.trip_day.value_or(""));
  s.receipt_due = t.receipt_due.value_or("");
  s.return_of = t.return_of.value_or("");
  s.sender = {parties.sender.name, t.sender, parties.sender.contact};
  s.carrier = {parties.carrier.name, t.carrier, parties.carrier.contact};
  if (parties.receiver) {
    // The receiver is a facility: its operator's name, the facility id, the facility's name.
    s.receiver = {parties.receiver_operator ? parties.receiver_operator->name : "",
                  parties.receiver->id, parties.receiver->name};
  }
  s.vehicle = t.vehicle;
  s.driver_name = t.driver_name.value_or("");
  s.driver_licence = t.driver_licence.value_or("");
  s.sender_signed_at = t.sender_signed_at;
  s.carrier_signed_at = t.carrier_signed_at;
  s.receiver_signed_at = t.receiver_signed_at;
  s.delivered_at = t.delivered_at;
  s.printed_at = printed_at;
  s.utc_offset_minutes = tz;
  for (const TransferLine& l : v.lines) {
    labels::TransferSheetLine line;
    line.waste_code = Dashed(l.waste_code);
    if (const CatalogueEntry* e = catalogue.Find(line.waste_code)) line.waste_name = e->description;
    line.count = l.count;
    line.declared_g = l.declared_g;
    line.pickup_g = IfWeighed(l.pickup_g);
    line.received_g = IfWeighed(l.received_g);
    line.refused_g = IfWeighed(l.refused_g);
    s.lines.push_back(std::move(line));
  }
  for (const store::TransferContainer& c : v.containers) {
    s.containers.push_back(
        {c.manifest_id, Dashed(c.waste_code), c.status, c.declared_g, c.pickup_g, c.received_g});
  }
  return s;
}

CivilDate TransferTokenDate(const store::Transfer& t, int tz) {
  for (const auto& day : {t.planned_on, t.trip_day}) {
    if (!day) continue;
    if (auto d = ParseIsoDate(*day); d.ok()) return *d;
  }
  return LocalCivilDate(t.submitted_at.value_or(t.created_at), tz);
}

Result<std::string> RenderTransferDocument(const Context& ctx, const Principal& p,
                                           const std::string& id) {
  auto view = GetTransfer(ctx, p, id);  // NOT_FOUND for those who may not read it
  if (!view.ok()) return view.status();
  const store::Transfer& t = view->t;
  if (t.status == "draft" || t.status == "cancelled") {
    return Status("INVALID_STATE", "a " + t.status + " transfer has no manifest to print");
  }
  if (!t.receiver) {
    return Status("INVALID_STATE", "the receiver of this ad hoc trip is not known yet");
  }
  auto parties = LoadParties(ctx, t);
  if (!parties.ok()) return parties.status();
  const int tz = ctx.settings.tz_offset_minutes;
  labels::TransferSheet sheet =
      TransferSheetFor(*view, *parties, ctx.catalogue, ctx.clock.NowMicros(), tz);
  const pki::SigningKeyStore::ActiveKey key = ctx.keys.Active();
  auto token =
      BuildTransferToken(labels::TokenFieldsFor(sheet, key.kid, TransferTokenDate(t, tz)), key.key);
  if (!token.ok()) return token.status();
  sheet.token = std::move(*token);
  return labels::RenderTransferPdf(sheet);
}

}  // namespace cradle::service
