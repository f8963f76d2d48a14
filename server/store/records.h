// Plain records the repositories read and write. Values only: no behaviour, no ownership
// beyond their own strings; safe to copy between threads.
//
// Conventions: times named *_at are microseconds since the Unix epoch (UTC), set by the store
// from the Database clock unless said otherwise; masses are integer grams; waste codes are the
// 8 digits used in the digital id ("77200218"); days are "YYYY-MM-DD" in the deployment's zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cradle::store {

// A page of a keyset-paged list: `next` is the cursor to pass as `after` for the following page,
// or nullopt when this page is the last one.
template <class T, class Cursor = std::string>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;
};

struct Org {
  std::string uscc;  // primary key
  std::string name;
  std::vector<std::string> roles;  // "producer", "collector", "facility", "regulator", "admin"
  std::string district;            // GB/T 2260 code or name, as the service chooses
  bool small_enterprise = false;
  std::string contact;
  int64_t created_at = 0;
};

struct ApiToken {
  int64_t id = 0;                  // assigned by the store
  std::optional<std::string> org;  // nullopt for the bootstrap admin
  std::string role;                // admin | regulator | producer | collector | facility
  std::string label;
  std::string token_hash;  // SHA-256 hex of the bearer token (UNIQUE)
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

struct Device {
  std::string device_id;  // the client certificate's CN
  std::string org;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

struct Facility {
  std::string id;
  std::string operator_org;  // USCC of the operating organisation
  std::string name;
  std::string kind;                  // landfill | incinerator | utilisation | transfer_station
  std::vector<std::string> accepts;  // waste codes taken
  std::optional<double> volume_m3;   // landfill
  std::optional<double> density_t_per_m3;  // landfill
  std::optional<double> cover_fraction;    // landfill, 0..1
  std::optional<double> t_per_year;        // others
  std::string regime;                      // e.g. "hazardous" or "exempt" (fly ash, GB 16889 §6.3)
  int64_t created_at = 0;
};

struct Programme {
  std::string id;
  std::string name;
  std::string collector;  // USCC
  double capacity_t_per_year = 0;
  int64_t created_at = 0;
};

struct ProgrammeMember {
  std::string programme_id;
  std::string member;  // USCC
  int64_t joined_at = 0;
};

struct Manifest {
  std::string id;           // 37-character digital identification code
  std::string producer;     // USCC
  std::string waste_code;   // 8 digits
  std::string produced_on;  // YYYY-MM-DD
  int serial = 0;           // 1..999
  int64_t mass_g = 0;       // declared
  std::string packaging;    // DR, BG, TB, BX, IB, TK, BK, OT
  std::string kid;          // key that signed the token
  std::string token;        // the WM1 token on the label
  std::string status;       // issued | collected | received | disposed | voided | rejected
  std::optional<std::string> destination;  // facility id
  std::optional<std::string> description;
  int64_t issued_at = 0;   // set by the store
  std::string issued_by;   // actor (USCC, or "admin" for the bootstrap admin)
  int64_t updated_at = 0;  // set by the store
};

struct ManifestEvent {
  int64_t seq = 0;       // assigned by the store; increasing in commit order
  std::string event_id;  // scanner UUID, or server-made for issue/void (UNIQUE)
  std::string manifest_id;
  std::string kind;   // issue | void | pickup | receive | dispose | reject
  std::string actor;  // USCC of the acting organisation
  std::optional<std::string> device;
  std::optional<int64_t> mass_g;      // measured
  std::optional<int64_t> scanned_at;  // device time, as reported (micros UTC)
  int64_t received_at = 0;            // server time; set by the store
  std::optional<std::string> facility;
  std::optional<std::string> vehicle;
  std::optional<double> lat, lon;
  std::optional<std::string> method;  // disposal method code
  std::optional<std::string> note;
  std::string content_sha256;         // hex SHA-256 of the scan's canonical content (service)
  std::optional<std::string> reason;  // void / reject reason
};

// A voided manifest, for the revocations feed; `seq` is the void event's seq (the cursor).
struct VoidedManifest {
  int64_t seq = 0;
  std::string manifest_id;
  int64_t voided_at = 0;
};

struct IdempotencyRecord {
  std::string actor;  // who sent the request (USCC, token id, or device id: service decides)
  std::string scope;  // the use case, e.g. "manifest.issue" (stored in column `route`)
  std::string key;    // the client's idempotency key
  std::string request_sha256;  // hex SHA-256 of the request
  std::string result;          // what the use case did, e.g. the ids it created (column
                               // `response_body`; column `status` is written 0, unused)
  int64_t created_at = 0;      // set by the store
};

struct AuditEntry {
  int64_t seq = 0;
  std::string at;  // RFC 3339 UTC with microseconds, e.g. "2026-11-28T01:41:07.000123Z"
  std::string actor;
  std::string action;
  std::string object;
  std::string change_sha256;  // hex SHA-256 of the change text
  std::string prev_hash;      // hash of seq-1; 64 '0' for seq 1
  std::string hash;
};

struct AuditVerification {
  bool ok = true;
  int64_t length = 0;                    // rows checked
  std::string head;                      // hash of the last row ("" when empty)
  std::optional<int64_t> first_bad_seq;  // first row that breaks the chain
};

}  // namespace cradle::store
