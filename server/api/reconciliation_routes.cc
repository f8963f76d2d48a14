// Reconciliation: the monthly report (JSON or CSV tables) and a facility's capacity history
// (api.md "Reconciliation, cases, audit"), over service/reconciliation.h.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "core/civil_time.h"
#include "server/api/route.h"
#include "server/service/reconciliation.h"

namespace cradle::api {
namespace {

using http::Request;
using http::Response;

// Rounds to 3 decimals so reports do not show floating-point noise.
double R3(double v) { return std::round(v * 1000.0) / 1000.0; }

boost::json::object RenderProducer(const service::ProducerLine& l) {
  const auto& r = l.r;
  boost::json::object o{{"org", r.producer},
                        {"name", l.name},
                        {"issued", r.issued},
                        {"issued_declared_g", r.issued_declared_g},
                        {"voided", r.voided},
                        {"collected", r.collected},
                        {"collected_measured_g", r.collected_measured_g},
                        {"received", r.received},
                        {"received_declared_g", r.received_declared_g},
                        {"received_measured_g", r.received_measured_g},
                        {"disposed", r.disposed},
                        {"rejected", r.rejected},
                        {"outstanding", r.outstanding},
                        {"apportioned_g", l.apportioned_g}};
  o["receipt_bias_pct"] = l.receipt_bias_pct ? boost::json::value(R3(*l.receipt_bias_pct))
                                             : boost::json::value(nullptr);
  return o;
}

boost::json::object RenderLandfill(const service::LandfillFigures& l) {
  boost::json::object o{{"volume_m3", R3(l.volume_m3)},
                        {"density_t_per_m3", l.density_t_per_m3},
                        {"cover_fraction", l.cover_fraction},
                        {"tonnes_placed", R3(l.tonnes_placed)},
                        {"volume_used_m3", R3(l.volume_used_m3)},
                        {"volume_left_m3", R3(l.volume_left_m3)},
                        {"used_pct", R3(l.used_pct)},
                        {"trailing_t_per_day", R3(l.trailing_t_per_day)}};
  o["projected_fill_date"] = l.projected_fill_date ? boost::json::value(*l.projected_fill_date)
                                                   : boost::json::value(nullptr);
  return o;
}

boost::json::object RenderFacilityLine(const service::FacilityLine& l) {
  boost::json::object o{{"facility", l.r.facility},
                        {"name", l.name},
                        {"kind", l.kind},
                        {"operator", l.operator_org},
                        {"received", l.r.received},
                        {"received_g", l.r.received_g},
                        {"disposed", l.r.disposed},
                        {"ytd_received_g", l.r.ytd_g},
                        {"cumulative_received_g", l.r.cumulative_g},
                        {"apportioned_g", l.apportioned_g}};
  o["landfill"] =
      l.landfill ? boost::json::value(RenderLandfill(*l.landfill)) : boost::json::value(nullptr);
  o["capacity_t_per_year"] = l.capacity_t_per_year ? boost::json::value(*l.capacity_t_per_year)
                                                   : boost::json::value(nullptr);
  o["ytd_pct_of_capacity"] = l.ytd_pct_of_capacity ? boost::json::value(R3(*l.ytd_pct_of_capacity))
                                                   : boost::json::value(nullptr);
  return o;
}

boost::json::object RenderProgrammeLine(const service::ProgrammeLine& l) {
  return boost::json::object{{"programme", l.r.programme},
                             {"name", l.name},
                             {"collector", l.collector},
                             {"members", l.members},
                             {"served_month", l.r.served_month},
                             {"served_year", l.r.served_year},
                             {"pickups", l.r.pickups},
                             {"collected_g", l.r.collected_g},
                             {"ytd_collected_g", l.r.ytd_collected_g},
                             {"capacity_t_per_year", l.capacity_t_per_year},
                             {"prorated_capacity_t", R3(l.prorated_capacity_t)},
                             {"ytd_pct_of_capacity", R3(l.ytd_pct_of_capacity)}};
}

// Weighbridge apportioning is named wherever it was used, so a reader knows the received mass
// was split from one net mass by declared mass rather than weighed container by container.
boost::json::value ApportionedBy(int64_t apportioned_g) {
  return apportioned_g > 0 ? boost::json::value("declared mass") : boost::json::value(nullptr);
}

boost::json::object TransferFigures(const service::TransferTotals& t) {
  return boost::json::object{{"submitted", t.submitted},
                             {"delivered", t.delivered},
                             {"received", t.received},
                             {"refused", t.refused},
                             {"overdue", t.overdue},
                             {"refused_g", t.refused_g},
                             {"apportioned_g", t.apportioned_g},
                             {"apportioned_by", ApportionedBy(t.apportioned_g)}};
}

boost::json::object RenderTransferLine(const service::TransferPartyLine& l) {
  const auto& d = l.r.d;
  boost::json::object o{{"role", l.r.role}, {"party", l.r.party}, {"name", l.name}};
  for (auto& kv : TransferFigures({d.submitted, d.delivered, d.received, d.refused, d.overdue,
                                   d.refused_g, d.apportioned_g})) {
    o[kv.key()] = kv.value();
  }
  return o;
}

boost::json::object RenderReport(const service::MonthlyReport& r, int tz) {
  boost::json::array producers, facilities, programmes, cases, transfers;
  for (const auto& l : r.transfers) transfers.push_back(RenderTransferLine(l));
  boost::json::object transfer_totals;
  for (const char* role : {"producer", "carrier", "facility"}) {
    auto it = r.totals.transfers.find(role);
    transfer_totals[role] =
        TransferFigures(it == r.totals.transfers.end() ? service::TransferTotals() : it->second);
  }
  for (const auto& l : r.producers) producers.push_back(RenderProducer(l));
  for (const auto& l : r.facilities) facilities.push_back(RenderFacilityLine(l));
  for (const auto& l : r.programmes) programmes.push_back(RenderProgrammeLine(l));
  for (const auto& c : r.cases_opened) cases.push_back(RenderCase(c, tz));
  const auto& t = r.totals;
  return boost::json::object{
      {"month", r.month},
      {"time_zone", FormatUtcOffset(r.tz_offset_minutes)},
      {"as_of", r.as_of},
      {"producers", std::move(producers)},
      {"facilities", std::move(facilities)},
      {"programmes", std::move(programmes)},
      {"cases_opened", std::move(cases)},
      {"transfers", std::move(transfers)},
      {"totals", boost::json::object{{"issued", t.issued},
                                     {"collected", t.collected},
                                     {"received", t.received},
                                     {"disposed", t.disposed},
                                     {"outstanding", t.outstanding},
                                     {"issued_declared_g", t.issued_declared_g},
                                     {"collected_measured_g", t.collected_measured_g},
                                     {"received_declared_g", t.received_declared_g},
                                     {"received_measured_g", t.received_measured_g},
                                     {"facility_received_g", t.facility_received_g},
                                     {"programme_collected_g", t.programme_collected_g},
                                     {"cases_opened", t.cases_opened},
                                     {"transfers", std::move(transfer_totals)}}}};
}

// ---- CSV: one table per request (?table=), UTF-8 with a BOM so spreadsheets read Chinese ----

std::string CsvField(const boost::json::value& v) {
  std::string s;
  if (v.is_string()) {
    s = std::string(v.as_string());
  } else if (v.is_null()) {
    return "";
  } else {
    s = boost::json::serialize(v);
  }
  // Formula injection: a leading = + - @ would run in a spreadsheet, and so would a leading
  // TAB or CR (spreadsheets skip them and read the formula after); numbers are serialised by
  // us and never quoted, so only text is guarded.
  if (v.is_string() && !s.empty() &&
      std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos) {
    s = "'" + s;
  }
  if (s.find_first_of(",\"\r\n") != std::string::npos) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  }
  return s;
}

std::string Csv(const boost::json::array& rows, std::initializer_list<const char*> columns) {
  std::string out = "\xEF\xBB\xBF";
  bool first = true;
  for (const char* c : columns) {
    if (!first) out += ',';
    out += c;
    first = false;
  }
  out += "\r\n";
  for (const auto& row : rows) {
    const auto& o = row.as_object();
    first = true;
    for (const char* c : columns) {
      if (!first) out += ',';
      auto* v = o.if_contains(c);
      out += v ? CsvField(*v) : "";
      first = false;
    }
    out += "\r\n";
  }
  return out;
}

// Landfill fields are flattened into the facility row for CSV.
boost::json::array FlatFacilities(const boost::json::array& in) {
  boost::json::array out;
  for (const auto& v : in) {
    boost::json::object o = v.as_object();
    if (auto* l = o.if_contains("landfill"); l && l->is_object()) {
      for (const auto& kv : l->as_object()) o[kv.key()] = kv.value();
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::optional<std::string> CsvTable(const boost::json::object& report, const std::string& table) {
  if (table == "producers") {
    return Csv(report.at("producers").as_array(),
               {"org", "name", "issued", "issued_declared_g", "voided", "collected",
                "collected_measured_g", "received", "received_declared_g", "received_measured_g",
                "disposed", "rejected", "outstanding", "receipt_bias_pct", "apportioned_g"});
  }
  if (table == "facilities") {
    return Csv(
        FlatFacilities(report.at("facilities").as_array()),
        {"facility", "name", "kind", "operator", "received", "received_g", "disposed",
         "ytd_received_g", "cumulative_received_g", "capacity_t_per_year", "ytd_pct_of_capacity",
         "volume_m3", "tonnes_placed", "volume_used_m3", "volume_left_m3", "used_pct",
         "trailing_t_per_day", "projected_fill_date", "apportioned_g"});
  }
  if (table == "programmes") {
    return Csv(report.at("programmes").as_array(),
               {"programme", "name", "collector", "members", "served_month", "served_year",
                "pickups", "collected_g", "ytd_collected_g", "capacity_t_per_year",
                "prorated_capacity_t", "ytd_pct_of_capacity"});
  }
  if (table == "transfers") {
    return Csv(report.at("transfers").as_array(),
               {"role", "party", "name", "submitted", "delivered", "received", "refused", "overdue",
                "refused_g", "apportioned_g", "apportioned_by"});
  }
  if (table == "cases") {
    return Csv(report.at("cases_opened").as_array(),
               {"id", "kind", "subject", "threshold", "party", "status", "opened_at"});
  }
  return std::nullopt;
}

bool WantsCsv(const Request& req) {
  if (auto f = req.Query("format")) return *f == "csv";
  return req.Header("accept").find("text/csv") != std::string::npos;
}

// ?format= is json or csv; the CSV's table is checked after the report is built, as before.
Input<std::monostate> ReadFormat(Call& c) {
  if (auto f = c.Query("format"); f && *f != "csv" && *f != "json") {
    return ValidationProblem({{"format", "INVALID_FORMAT", "json or csv"}});
  }
  return std::monostate{};
}

// JSON, or one table of it as CSV (?format=csv or Accept: text/csv; ?table=).
Response RenderReconciliation(Call& c, const service::MonthlyReport& report) {
  const Request& req = c.req();
  boost::json::object json = RenderReport(report, c.tz());
  if (!WantsCsv(req)) return JsonResponse(200, json);
  const std::string table = req.Query("table").value_or("producers");
  auto csv = CsvTable(json, table);
  if (!csv) {
    return ValidationProblem(
        {{"table", "INVALID_TABLE", "producers, facilities, programmes, transfers or cases"}});
  }
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(*csv);
  r.Header("Content-Disposition",
           "attachment; filename=\"reconciliation-" + report.month + "-" + table + ".csv\"");
  return r;
}

boost::json::object RenderCapacity(const service::CapacitySeries& cap) {
  const auto* c = &cap;
  boost::json::array months;
  for (const auto& m : c->months) {
    months.push_back(boost::json::object{{"month", m.month},
                                         {"tonnes", R3(m.tonnes)},
                                         {"volume_m3", R3(m.volume_m3)},
                                         {"cumulative_volume_m3", R3(m.cumulative_volume_m3)}});
  }
  boost::json::object o{{"facility", c->facility},
                        {"name", c->name},
                        {"kind", c->kind},
                        {"months", std::move(months)}};
  o["landfill"] =
      c->landfill ? boost::json::value(RenderLandfill(*c->landfill)) : boost::json::value(nullptr);
  return o;
}

}  // namespace

void ReconciliationRoutes(http::Router& r, Deps& d) {
  Route(
      r, d, "GET", "/api/v1/reconciliation/{month}", Who::SignedIn(), ReadFormat,
      [](Call& c, auto) { return service::Reconcile(c.ctx(), c.p(), c.Param("month")); },
      RenderReconciliation);
  Route(
      r, d, "GET", "/api/v1/facilities/{id}/capacity", Who::SignedIn(), NoInput(),
      [](Call& c, auto) { return service::FacilityCapacity(c.ctx(), c.p(), c.Param("id")); },
      Json(200, RenderCapacity));
}

}  // namespace cradle::api
