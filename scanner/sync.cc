#include "scanner/sync.h"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>

#include "core/jwks.h"

namespace cradle::scan {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr char kScansTarget[] = "/api/v1/scans";
constexpr char kJwksTarget[] = "/.well-known/jwks.json";
constexpr char kRevocationsTarget[] = "/api/v1/revocations?limit=1000";
constexpr char kMeTarget[] = "/api/v1/me";
constexpr char kTransfersTarget[] = "/api/v1/transfers";

bool Retryable(int http_status) { return http_status == 429 || http_status >= 500; }

// Delta-seconds only; an HTTP-date is left to the jittered backoff.
std::optional<int64_t> RetryAfterSeconds(const std::string& value) {
  if (value.empty() || value.size() > 9) return std::nullopt;
  if (!std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(value);
}

// RFC 3986 unreserved characters pass; everything else is %XX.
std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// "HTTP 403 FORBIDDEN: detail" from a problem+json body when there is one.
std::string DescribeAnswer(const HttpAnswer& answer) {
  std::string text = "HTTP " + std::to_string(answer.status);
  boost::system::error_code ec;
  json::value body = json::parse(answer.body, ec);
  if (ec || !body.is_object()) return text;
  const json::object& problem = body.as_object();
  for (const char* field : {"code", "detail"}) {
    if (auto* v = problem.if_contains(field); v && v->is_string()) {
      text += (field[0] == 'c' ? " " : ": ") + std::string(v->as_string());
    }
  }
  return text;
}

std::string StringField(const json::object& object, const char* name) {
  auto* v = object.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string TripsTarget(const std::string& org, std::string_view status,
                        const std::string& cursor) {
  std::string target = std::string(kTransfersTarget) + "?party=" + PercentEncode(org) +
                       "&status=" + PercentEncode(std::string(status)) + "&limit=200";
  if (!cursor.empty()) target += "&after=" + PercentEncode(cursor);
  return target;
}

milliseconds Backoff::Delay(int retry, const std::string& retry_after) const {
  if (auto seconds = RetryAfterSeconds(retry_after)) {
    return std::min(milliseconds(*seconds * 1000), policy_.max_retry_after);
  }
  int64_t ceiling = policy_.cap.count();
  int shift = std::clamp(retry, 0, 40);
  if (policy_.base.count() < (ceiling >> shift)) ceiling = policy_.base.count() << shift;
  return milliseconds(static_cast<int64_t>(random_() % static_cast<uint64_t>(ceiling + 1)));
}

std::string ScansRequestBody(const std::vector<QueuedScan>& batch) {
  json::array scans;
  scans.reserve(batch.size());
  for (const QueuedScan& queued : batch) {
    const ScanRecord& scan = queued.scan;
    json::object item;
    item["event_id"] = scan.event_id;
    item["token"] = scan.token;
    item["kind"] = KindName(scan.kind);
    if (scan.mass_g) item["mass_g"] = *scan.mass_g;
    item["scanned_at"] = scan.scanned_at;
    if (!scan.facility.empty()) item["facility"] = scan.facility;
    if (!scan.vehicle.empty()) item["vehicle"] = scan.vehicle;
    if (!scan.method.empty()) item["method"] = scan.method;
    scans.emplace_back(std::move(item));
  }
  json::object body;
  body["scans"] = std::move(scans);
  return json::serialize(body);
}

Result<std::vector<ScanOutcome>> ParseScansAnswer(const std::string& body,
                                                  const std::vector<QueuedScan>& batch) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const json::array* results = nullptr;
  if (!ec && doc.is_object()) {
    if (auto* r = doc.as_object().if_contains("results"); r && r->is_array()) {
      results = &r->as_array();
    }
  }
  if (results == nullptr) return Status("PROTOCOL", "the scans answer has no results array");

  std::unordered_map<std::string, ScanOutcome> by_event;
  for (const json::value& entry : *results) {
    if (!entry.is_object()) return Status("PROTOCOL", "a result is not an object");
    const json::object& result = entry.as_object();
    ScanOutcome outcome;
    outcome.event_id = StringField(result, "event_id");
    std::string status = StringField(result, "status");
    if (status == "rejected") {
      outcome.parked = true;
      outcome.code = StringField(result, "code");
      if (outcome.code.empty()) outcome.code = "REJECTED";
    } else if (status == "duplicate") {
      outcome.duplicate = true;
    } else if (status != "accepted") {
      return Status("PROTOCOL", "unknown scan status '" + status + "'");
    }
    by_event[outcome.event_id] = std::move(outcome);
  }
  std::vector<ScanOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (const QueuedScan& queued : batch) {
    auto it = by_event.find(queued.scan.event_id);
    if (it == by_event.end()) {
      return Status("PROTOCOL", "no result for event " + queued.scan.event_id);
    }
    outcomes.push_back(std::move(it->second));
  }
  return outcomes;
}

Syncer::Syncer(Outbox& outbox, Transport& transport, RetryPolicy policy, SyncDeps deps,
               size_t batch_size)
    : outbox_(outbox),
      transport_(transport),
      backoff_(policy, deps.random),
      deps_(std::move(deps)),
      batch_size_(std::clamp<size_t>(batch_size, 1, kMaxBatch)) {}

int64_t Syncer::NowMicros() const {
  static const SystemClock system_clock;
  return (deps_.clock ? deps_.clock : &system_clock)->NowMicros();
}

Result<HttpAnswer> Syncer::SendWithRetry(const std::string& method, const std::string& target,
                                         const std::string& body) {
  const int attempts = std::max(1, backoff_.policy().max_attempts);
  std::string last_failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Result<HttpAnswer> answer = transport_.Send(method, target, body);
    // Only network failures are worth another try (a TLS_CONFIG error never heals itself).
    if (!answer.ok() && answer.status().code() != "NETWORK") return answer.status();
    std::string retry_after;
    if (answer.ok() && !Retryable(answer->status)) return answer;
    if (answer.ok()) {
      last_failure = DescribeAnswer(*answer);
      retry_after = answer->retry_after;
    } else {
      last_failure = answer.status().message();
    }
    if (attempt + 1 == attempts) break;
    ++retries_;
    deps_.sleep(backoff_.Delay(attempt, retry_after));
  }
  return Status("NETWORK", method + " " + target + " failed after " + std::to_string(attempts) +
                               " attempts: " + last_failure);
}

Status Syncer::CheckAnswer(const HttpAnswer& answer, const std::string& what) const {
  if (answer.status == 200) return Status::Ok();
  std::string code = answer.status == 401 || answer.status == 403 ? "UNAUTHORIZED" : "REFUSED";
  return Status(code, what + ": " + DescribeAnswer(answer));
}

Status Syncer::SendBatch(const std::vector<QueuedScan>& batch, SyncReport& report) {
  Result<HttpAnswer> answer = SendWithRetry("POST", kScansTarget, ScansRequestBody(batch));
  if (!answer.ok()) return answer.status();
  if (Status s = CheckAnswer(*answer, "POST /api/v1/scans"); !s.ok()) return s;
  Result<std::vector<ScanOutcome>> outcomes = ParseScansAnswer(answer->body, batch);
  if (!outcomes.ok()) return outcomes.status();
  Result<std::vector<OutboxState>> states =
      outbox_.Settle(*outcomes, NowMicros(), backoff_.policy().hold);
  if (!states.ok()) return states.status();
  for (size_t i = 0; i < outcomes->size(); ++i) {
    const ScanOutcome& outcome = (*outcomes)[i];
    ++report.sent;
    if ((*states)[i] == OutboxState::kHeld) {
      ++report.held;
    } else if (outcome.parked) {
      ++report.parked;
      ++report.parked_codes[outcome.code];
    } else if (outcome.duplicate) {
      ++report.duplicates;
    } else {
      ++report.accepted;
    }
  }
  return Status::Ok();
}

Result<SyncReport> Syncer::Upload() {
  SyncReport report;
  Result<OutboxCounts> counts = outbox_.Counts();
  if (!counts.ok()) return counts.status();
  const int64_t total = counts->queued;
  // Each scan at most once per run: a scan held again by this run waits for the next one even
  // when its retry time is already due (a zero backoff).
  const int64_t now = NowMicros();
  int64_t after_seq = 0;
  for (;;) {
    Result<std::vector<QueuedScan>> batch = outbox_.ClaimBatch(batch_size_, now, after_seq);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    after_seq = batch->back().seq;
    if (Status s = SendBatch(*batch, report); !s.ok()) {
      report.retries = retries_;
      return s;
    }
    if (deps_.progress) deps_.progress(report.sent, std::max(total, report.sent));
  }
  report.retries = retries_;
  if (Status s = outbox_.SetMeta(kMetaLastSyncAt, std::to_string(NowMicros())); !s.ok()) return s;
  return report;
}

Status Syncer::RefreshKeys() {
  Result<HttpAnswer> answer = SendWithRetry("GET", kJwksTarget, "");
  if (!answer.ok()) return answer.status();
  if (Status s = CheckAnswer(*answer, "GET /.well-known/jwks.json"); !s.ok()) return s;
  Result<KeySet> keys = ReadJwks(answer->body);
  if (!keys.ok()) return keys.status();
  if (keys->empty()) return Status("JWKS_INVALID", "the server publishes no keys");
  if (Status s = outbox_.SetMeta(kMetaJwks, answer->body); !s.ok()) return s;
  return outbox_.SetMeta(kMetaJwksFetchedAt, std::to_string(NowMicros()));
}

Result<int64_t> Syncer::RefreshRevocations() {
  Result<std::optional<std::string>> stored = outbox_.GetMeta(kMetaRevocationCursor);
  if (!stored.ok()) return stored.status();
  std::string cursor = stored->value_or("");
  int64_t added = 0;
  for (;;) {
    std::string target = kRevocationsTarget;
    if (!cursor.empty()) target += "&after=" + PercentEncode(cursor);
    Result<HttpAnswer> answer = SendWithRetry("GET", target, "");
    if (!answer.ok()) return answer.status();
    if (Status s = CheckAnswer(*answer, "GET /api/v1/revocations"); !s.ok()) return s;

    boost::system::error_code ec;
    json::value doc = json::parse(answer->body, ec);
    const json::array* items = nullptr;
    if (!ec && doc.is_object()) {
      if (auto* v = doc.as_object().if_contains("items"); v && v->is_array()) {
        items = &v->as_array();
      }
    }
    if (items == nullptr) return Status("PROTOCOL", "the revocations page has no items array");
    std::vector<Revocation> page;
    for (const json::value& item : *items) {
      if (!item.is_object()) return Status("PROTOCOL", "a revocation is not an object");
      Revocation revocation{StringField(item.as_object(), "id"),
                            StringField(item.as_object(), "voided_at")};
      if (revocation.manifest_id.empty()) return Status("PROTOCOL", "a revocation has no id");
      page.push_back(std::move(revocation));
    }
    const json::value* next = doc.as_object().if_contains("next");
    const bool more = next != nullptr && next->is_string() && !next->as_string().empty();
    // At the last page the cursor that fetched it is kept: the next refresh starts there and
    // sees what was voided since (re-reading a few ids is harmless).
    const std::string page_cursor = more ? std::string(next->as_string()) : cursor;
    if (Status s = outbox_.AddRevocations(page, page_cursor); !s.ok()) return s;
    added += static_cast<int64_t>(page.size());
    if (!more || page_cursor == cursor) break;
    cursor = page_cursor;
  }
  return added;
}

Result<std::vector<Trip>> Syncer::RefreshTrips() {
  Result<HttpAnswer> me = SendWithRetry("GET", kMeTarget, "");
  if (!me.ok()) return me.status();
  if (Status s = CheckAnswer(*me, "GET /api/v1/me"); !s.ok()) return s;
  boost::system::error_code ec;
  json::value who = json::parse(me->body, ec);
  const std::string org = !ec && who.is_object() ? StringField(who.as_object(), "org") : "";
  if (org.empty()) return Status("PROTOCOL", "GET /api/v1/me names no organisation");

  // A trip is listed once: its status cannot be two of the open ones at the same moment, but
  // it may move between two list requests, so ids are deduplicated.
  std::vector<std::string> ids;
  for (std::string_view status : kOpenTripStatuses) {
    std::string cursor;
    for (;;) {
      const std::string target = TripsTarget(org, status, cursor);
      Result<HttpAnswer> answer = SendWithRetry("GET", target, "");
      if (!answer.ok()) return answer.status();
      if (Status s = CheckAnswer(*answer, "GET /api/v1/transfers"); !s.ok()) return s;
      Result<TripPage> page = ParseTripPage(answer->body);
      if (!page.ok()) return page.status();
      for (const Trip& t : page->items) {
        // Trips the organisation only sends are not the handheld's: it scans as the carrier
        // or at the receiver.
        if (t.RoleOf(org).empty()) continue;
        if (std::find(ids.begin(), ids.end(), t.id) == ids.end()) ids.push_back(t.id);
      }
      if (page->next.empty() || page->next == cursor) break;
      cursor = page->next;
    }
  }
  std::vector<Trip> trips;
  trips.reserve(ids.size());
  for (const std::string& id : ids) {
    const std::string target = std::string(kTransfersTarget) + "/" + PercentEncode(id);
    Result<HttpAnswer> answer = SendWithRetry("GET", target, "");
    if (!answer.ok()) return answer.status();
    // Closed or withdrawn between the list and now: no longer a trip to scan against.
    if (answer->status == 404) continue;
    if (Status s = CheckAnswer(*answer, "GET " + target); !s.ok()) return s;
    Result<Trip> trip = ParseTrip(answer->body);
    if (!trip.ok()) return trip.status();
    if (trip->id != id) return Status("PROTOCOL", "asked for transfer " + id + ", got " + trip->id);
    if (std::find(std::begin(kOpenTripStatuses), std::end(kOpenTripStatuses), trip->status) ==
        std::end(kOpenTripStatuses)) {
      continue;  // received, refused or cancelled since it was listed
    }
    trips.push_back(std::move(trip).value());
  }
  std::sort(trips.begin(), trips.end(), [](const Trip& a, const Trip& b) { return a.id < b.id; });
  if (Status s = outbox_.ReplaceTrips(trips, org, NowMicros()); !s.ok()) return s;
  return trips;
}

}  // namespace cradle::scan
