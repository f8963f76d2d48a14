// The pre-update hook API is declared only with this (Debian's libsqlite3 is built with it).
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>

#include "server/store/seal.h"

#include <cstdio>
#include <map>

#include "core/sha256.h"
#include "server/store/audit.h"
#include "server/store/sqlite_util.h"

namespace cradle::store {

namespace {

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

std::string Quote(std::string_view identifier) { return "\"" + std::string(identifier) + "\""; }

// The SQL each sealed table needs, built once from SealedTables().
struct TableSql {
  const SealedTable* table = nullptr;
  std::string key_expr;   // json_array("k1", ...)
  std::string key_match;  // "k1" = json_extract(?1, '$[0]') AND ...
  std::string values;     // typeof("c1"), "c1", ...
  std::string one_row;    // values of the row with key ?1
  std::string all_rows;   // key, values of every row
  std::string exists;     // 1 when the row with key ?1 exists
};

const std::map<std::string_view, TableSql>& Sql() {
  static const std::map<std::string_view, TableSql> sql = [] {
    std::map<std::string_view, TableSql> out;
    for (const SealedTable& t : SealedTables()) {
      TableSql s;
      s.table = &t;
      s.key_expr = "json_array(";
      for (size_t i = 0; i < t.key.size(); ++i) {
        if (i > 0) {
          s.key_expr += ", ";
          s.key_match += " AND ";
        }
        s.key_expr += Quote(t.key[i]);
        s.key_match += Quote(t.key[i]) + " = json_extract(?1, '$[" + std::to_string(i) + "]')";
      }
      s.key_expr += ")";
      for (size_t i = 0; i < t.columns.size(); ++i) {
        if (i > 0) s.values += ", ";
        s.values += "typeof(" + Quote(t.columns[i]) + "), " + Quote(t.columns[i]);
      }
      std::string from = " FROM main." + Quote(t.name);
      s.one_row = "SELECT " + s.values + from + " WHERE " + s.key_match;
      s.all_rows = "SELECT " + s.key_expr + ", " + s.values + from;
      s.exists = "SELECT 1" + from + " WHERE " + s.key_match;
      out.emplace(t.name, std::move(s));
    }
    return out;
  }();
  return sql;
}

// Reads the (typeof, value) column pairs starting at `first`.
std::vector<SqlValue> ReadValues(const Stmt& s, int first, size_t count) {
  std::vector<SqlValue> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    int col = first + static_cast<int>(2 * i);
    std::string type = s.Text(col);
    if (type == "integer") {
      out.push_back(SqlValue::Int(s.Int(col + 1)));
    } else if (type == "real") {
      out.push_back(SqlValue::Real(s.Double(col + 1)));
    } else if (type == "text") {
      out.push_back(SqlValue::Text(s.Text(col + 1)));
    } else if (type == "blob") {
      out.push_back(SqlValue::Blob(s.Text(col + 1)));
    } else {
      out.push_back(SqlValue::Null());
    }
  }
  return out;
}

Result<const TableSql*> Find(std::string_view table) {
  auto it = Sql().find(table);
  if (it == Sql().end())
    return Status("INVALID_FIELD", "not a sealed table: " + std::string(table));
  return &it->second;
}

Status InsertSeal(Txn& txn, int64_t seq, std::string_view table, std::string_view key,
                  const std::optional<std::string>& hash, const std::optional<std::string>& prior) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt insert,
      txn.Prepare("INSERT INTO row_seal_log (audit_seq, tbl, key, content_sha256, prior_sha256) "
                  "VALUES (?, ?, ?, ?, ?)"));
  insert.Bind(1, seq).Bind(2, table).Bind(3, key).Bind(4, hash).Bind(5, prior);
  return insert.Run();
}

// cradle_row_hash(table, c1, c2, ...): RowContentHash of the given column values.
void RowHashFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  const unsigned char* name = argc > 0 ? sqlite3_value_text(argv[0]) : nullptr;
  if (name == nullptr) {
    sqlite3_result_error(ctx, "cradle_row_hash: no table", -1);
    return;
  }
  std::string_view table(reinterpret_cast<const char*>(name),
                         static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  auto it = Sql().find(table);
  if (it == Sql().end() || it->second.table->columns.size() != static_cast<size_t>(argc - 1)) {
    sqlite3_result_error(ctx, "cradle_row_hash: not a sealed table or wrong column count", -1);
    return;
  }
  std::vector<SqlValue> values;
  values.reserve(static_cast<size_t>(argc - 1));
  for (int i = 1; i < argc; ++i) {
    sqlite3_value* v = argv[i];
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        values.push_back(SqlValue::Int(sqlite3_value_int64(v)));
        break;
      case SQLITE_FLOAT:
        values.push_back(SqlValue::Real(sqlite3_value_double(v)));
        break;
      case SQLITE_TEXT: {
        const unsigned char* p = sqlite3_value_text(v);
        values.push_back(SqlValue::Text(std::string(reinterpret_cast<const char*>(p),
                                                    static_cast<size_t>(sqlite3_value_bytes(v)))));
        break;
      }
      case SQLITE_BLOB: {
        const void* p = sqlite3_value_blob(v);
        size_t n = static_cast<size_t>(sqlite3_value_bytes(v));
        values.push_back(
            SqlValue::Blob(n == 0 ? std::string() : std::string(static_cast<const char*>(p), n)));
        break;
      }
      default:
        values.push_back(SqlValue::Null());
    }
  }
  std::string hash = RowContentHash(table, it->second.table->columns, values);
  sqlite3_result_text(ctx, hash.data(), static_cast<int>(hash.size()), SQLITE_TRANSIENT);
}

void AddProblem(AuditVerification& out, size_t max_problems, std::string_view table,
                std::string key, const char* problem, std::optional<int64_t> seq) {
  ++out.row_problem_count;
  if (out.row_problems.size() < max_problems) {
    out.row_problems.push_back({std::string(table), std::move(key), problem, seq});
  }
}

}  // namespace

const std::vector<SealedTable>& SealedTables() {
  // Evidence first, then the parties and credentials it refers to. Left out on purpose:
  // audit_log (the chain itself), serials/transfer_serials (counters), idempotency (a replay
  // cache), recon_* (roll-ups derived from the sealed rows), rule_cursors (a position).
  static const std::vector<SealedTable> tables = {
      {"manifests",
       {"id"},
       {"id", "producer", "waste_code", "produced_on", "serial", "mass_g", "packaging", "kid",
        "token", "status", "destination", "description", "issued_at", "issued_by", "updated_at",
        "open_transfer", "holder_facility"}},
      {"manifest_events",
       {"seq"},
       {"seq", "event_id", "manifest_id", "kind", "actor", "device", "mass_g", "scanned_at",
        "received_at", "facility", "vehicle", "lat", "lon", "method", "note", "content_sha256",
        "reason"}},
      {"scan_findings",
       {"seq"},
       {"seq", "kind", "manifest_id", "actor", "device", "event_id", "detail", "at"}},
      {"cases",
       {"id"},
       {"id", "kind", "subject", "threshold", "party", "status", "detail", "opened_at",
        "opened_month", "updated_at"}},
      {"case_actions",
       {"seq"},
       {"seq", "case_id", "action", "actor", "note", "from_status", "to_status", "at"}},
      {"transfers",
       {"id"},
       {"id",
        "sender",
        "carrier",
        "receiver",
        "receiver_org",
        "vehicle",
        "driver_name",
        "driver_licence",
        "purpose",
        "planned_on",
        "status",
        "ad_hoc",
        "trip_day",
        "return_of",
        "created_at",
        "created_by",
        "submitted_at",
        "sender_signed_at",
        "carrier_signed_at",
        "delivered_at",
        "receipt_due",
        "receiver_signed_at",
        "cancelled_at",
        "cancel_reason",
        "receipt_note",
        "weighbridge_g",
        "version",
        "updated_at"}},
      {"transfer_containers",
       {"transfer_id", "manifest_id"},
       {"transfer_id", "manifest_id", "status", "declared_g", "waste_code", "packaging", "pickup_g",
        "received_g", "apportioned", "refusal_reason", "refused_g", "updated_at"}},
      {"transfer_log",
       {"seq"},
       {"seq", "transfer_id", "action", "actor", "from_status", "to_status", "detail", "at"}},
      {"transfer_revisions",
       {"id"},
       {"id", "transfer_id", "base_version", "proposed_by", "proposed_actor", "changes", "reason",
        "status", "parties", "before", "created_at", "decided_at"}},
      {"transfer_revision_votes",
       {"revision_id", "party"},
       {"revision_id", "party", "decision", "actor", "note", "at"}},
      {"transfer_discrepancies",
       {"seq"},
       {"seq", "transfer_id", "manifest_id", "field", "note", "at"}},
      {"orgs",
       {"uscc"},
       {"uscc", "name", "roles", "district", "small_enterprise", "contact", "created_at"}},
      {"api_tokens",
       {"id"},
       {"id", "org", "role", "label", "token_hash", "created_at", "revoked_at"}},
      {"devices", {"device_id"}, {"device_id", "org", "created_at", "revoked_at"}},
      {"facilities",
       {"id"},
       {"id", "operator", "name", "kind", "accepts", "volume_m3", "density_t_per_m3",
        "cover_fraction", "t_per_year", "regime", "created_at"}},
      {"programmes", {"id"}, {"id", "name", "collector", "capacity_t_per_year", "created_at"}},
      {"programme_members", {"programme_id", "member"}, {"programme_id", "member", "joined_at"}},
  };
  return tables;
}

std::string CanonicalRow(std::string_view table, const std::vector<std::string_view>& columns,
                         const std::vector<SqlValue>& values) {
  std::string out;
  AppendField(out, "cradle-row-v1");
  AppendField(out, table);
  for (size_t i = 0; i < columns.size() && i < values.size(); ++i) {
    AppendField(out, columns[i]);
    const SqlValue& v = values[i];
    switch (v.type) {
      case SqlValue::Type::kNull:
        AppendField(out, "n");
        break;
      case SqlValue::Type::kInt:
        AppendField(out, "i" + std::to_string(v.i));
        break;
      case SqlValue::Type::kReal: {
        // %.17g round-trips every double, so two different stored values never encode alike.
        char buf[40];
        std::snprintf(buf, sizeof buf, "r%.17g", v.r);
        AppendField(out, buf);
        break;
      }
      case SqlValue::Type::kText:
        AppendField(out, "t" + v.bytes);
        break;
      case SqlValue::Type::kBlob:
        AppendField(out, "b" + v.bytes);
        break;
    }
  }
  return out;
}

std::string RowContentHash(std::string_view table, const std::vector<std::string_view>& columns,
                           const std::vector<SqlValue>& values) {
  return Sha256Hex(CanonicalRow(table, columns, values));
}

Result<std::optional<std::string>> StoredRowHash(Txn& txn, std::string_view table,
                                                 std::string_view key) {
  CRADLE_STORE_ASSIGN_OR_RETURN(const TableSql* sql, Find(table));
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt stmt, txn.Prepare(sql->one_row));
  stmt.Bind(1, key);
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  const SealedTable& t = *sql->table;
  return std::optional<std::string>(
      RowContentHash(t.name, t.columns, ReadValues(stmt, 0, t.columns.size())));
}

Result<std::string> RowsDigest(Txn& txn, int64_t audit_seq) {
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt stmt, txn.Prepare("SELECT tbl, key, content_sha256, prior_sha256 FROM row_seal_log "
                             "WHERE audit_seq = ? ORDER BY tbl, key"));
  stmt.Bind(1, audit_seq);
  std::string text;
  while (true) {
    CRADLE_STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    AppendField(text, stmt.Text(0));
    AppendField(text, stmt.Text(1));
    AppendField(text, stmt.IsNull(2) ? std::string("deleted") : stmt.Text(2));
    AppendField(text, stmt.IsNull(3) ? std::string("none") : stmt.Text(3));
  }
  return text.empty() ? std::string() : Sha256Hex(text);
}

Status VerifyRows(Txn& txn, size_t max_problems, AuditVerification& out) {
  // Per table, one merge of two streams sorted by key (bytewise): the seal history, and the live
  // rows. No index on row_seal_log by row is kept: it would cost the write path one random
  // B-tree page per sealed row, while verify can afford the sorts.
  for (const SealedTable& t : SealedTables()) {
    CRADLE_STORE_ASSIGN_OR_RETURN(const TableSql* sql, Find(t.name));
    CRADLE_STORE_ASSIGN_OR_RETURN(
        Stmt history, txn.Prepare("SELECT key, audit_seq, content_sha256, prior_sha256 "
                                  "FROM row_seal_log WHERE tbl = ? ORDER BY key, audit_seq"));
    history.Bind(1, t.name);
    CRADLE_STORE_ASSIGN_OR_RETURN(Stmt live, txn.Prepare(sql->all_rows + " ORDER BY 1"));
    CRADLE_STORE_ASSIGN_OR_RETURN(bool h_row, history.Step());
    // One key's seals: its latest content and entry, and whether its history already broke
    // (each write's prior content must be the previous seal's content). One problem per row.
    struct Group {
      std::string key;
      std::optional<std::string> content;
      int64_t seq = 0;
      bool reported = false;
    };
    auto next_group = [&](Group& g) -> Result<bool> {
      if (!h_row) return false;
      g = Group{history.Text(0), std::nullopt, 0, false};
      while (h_row && history.Text(0) == g.key) {
        std::optional<std::string> prior = history.OptText(3);
        if (prior != g.content && !g.reported) {
          g.reported = true;
          AddProblem(out, max_problems, t.name, g.key, g.content ? "altered" : "unsealed",
                     g.content ? std::optional<int64_t>(g.seq) : std::nullopt);
        }
        g.content = history.OptText(2);
        g.seq = history.Int(1);
        Result<bool> step = history.Step();
        if (!step.ok()) return step.status();
        h_row = *step;
      }
      return true;
    };
    Group g;
    CRADLE_STORE_ASSIGN_OR_RETURN(bool g_has, next_group(g));
    CRADLE_STORE_ASSIGN_OR_RETURN(bool l_has, live.Step());
    while (l_has || g_has) {
      std::string key = l_has ? live.Text(0) : std::string();
      int cmp = !l_has ? 1 : !g_has ? -1 : key.compare(g.key);
      if (cmp <= 0) ++out.rows_checked;
      if (cmp < 0) {  // a live row no write sealed
        AddProblem(out, max_problems, t.name, std::move(key), "unsealed", std::nullopt);
      } else if (cmp > 0) {  // sealed, not deleted by a sealed write, and gone
        if (g.content && !g.reported) {
          AddProblem(out, max_problems, t.name, g.key, "missing", g.seq);
        }
      } else if (!g.reported) {
        std::string hash = RowContentHash(t.name, t.columns, ReadValues(live, 1, t.columns.size()));
        if (!g.content) {
          AddProblem(out, max_problems, t.name, std::move(key), "unsealed", std::nullopt);
        } else if (*g.content != hash) {
          AddProblem(out, max_problems, t.name, std::move(key), "altered", g.seq);
        }
      }
      if (cmp <= 0) {
        CRADLE_STORE_ASSIGN_OR_RETURN(l_has, live.Step());
      }
      if (cmp >= 0) {
        CRADLE_STORE_ASSIGN_OR_RETURN(g_has, next_group(g));
      }
    }
  }
  return Status::Ok();
}

namespace internal {

Result<bool> SealingAvailable(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(
      db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('row_seal_log', 'row_seal_upgrade')",
      -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "row seal tables");
  rc = sqlite3_step(stmt);
  bool available = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 2;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return SqliteError(db, rc, "row seal tables");
  return available;
}

namespace {

std::string_view ArgText(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_value_bytes(v))};
}

// cradle_seal_note(table, key, prior): records a changed row; the first note of a row in a
// Write wins, so its prior is the content the row had before the Write.
void NoteFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* notes = static_cast<SealNotes*>(sqlite3_user_data(ctx));
  if (argc != 3) return;
  std::optional<std::string> prior;
  if (sqlite3_value_type(argv[2]) != SQLITE_NULL) prior = std::string(ArgText(argv[2]));
  notes->rows.try_emplace({std::string(ArgText(argv[0])), std::string(ArgText(argv[1]))},
                          std::move(prior));
  sqlite3_result_null(ctx);
}

// cradle_seal_audit(seq): the last audit entry appended in this Write.
void AuditNoteFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* notes = static_cast<SealNotes*>(sqlite3_user_data(ctx));
  if (argc == 1) notes->last_audit = sqlite3_value_int64(argv[0]);
  sqlite3_result_null(ctx);
}

}  // namespace

namespace {

SqlValue FromValue(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      return SqlValue::Int(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
      return SqlValue::Real(sqlite3_value_double(v));
    case SQLITE_TEXT:
      return SqlValue::Text(std::string(ArgText(v)));
    case SQLITE_BLOB: {
      const void* p = sqlite3_value_blob(v);
      size_t n = static_cast<size_t>(sqlite3_value_bytes(v));
      return SqlValue::Blob(n == 0 ? std::string() : std::string(static_cast<const char*>(p), n));
    }
    default:
      return SqlValue::Null();
  }
}

using ReadColumn = int (*)(sqlite3*, int, sqlite3_value**);

// Notes one row image (old or new) of a rowid table from the pre-update hook.
void HookNote(SealNotes& notes, sqlite3* db, const SealedTable& t, ReadColumn read,
              bool with_prior) {
  std::vector<SqlValue> values(t.columns.size());
  SqlValue key;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    bool is_key = t.columns[i] == t.key.front();
    if (!with_prior && !is_key) continue;  // a new image needs only its key
    sqlite3_value* v = nullptr;
    if (read(db, static_cast<int>(i), &v) == SQLITE_OK && v != nullptr) values[i] = FromValue(v);
    if (is_key) key = values[i];
  }
  std::optional<std::string> prior;
  if (with_prior) prior = RowContentHash(t.name, t.columns, values);
  notes.rows.try_emplace({std::string(t.name), JsonKey(key)}, std::move(prior));
}

// The writer's pre-update hook, for the sealed rowid tables (triggers serve the WITHOUT ROWID
// ones) and audit_log. Unlike triggers, it gives INSERT/UPDATE statements no statement journal.
void PreUpdate(void* arg, sqlite3* db, int op, const char* schema, const char* table,
               sqlite3_int64 /*old_rowid*/, sqlite3_int64 new_rowid) {
  auto* notes = static_cast<SealNotes*>(arg);
  if (schema == nullptr || table == nullptr || std::string_view(schema) != "main") return;
  std::string_view name(table);
  if (name == "audit_log") {
    if (op == SQLITE_INSERT) notes->last_audit = new_rowid;
    return;
  }
  if (notes->trigger_tables.count(std::string(name))) return;
  auto it = Sql().find(name);
  if (it == Sql().end()) return;
  const SealedTable& t = *it->second.table;
  if (op == SQLITE_UPDATE || op == SQLITE_DELETE) {
    HookNote(*notes, db, t, sqlite3_preupdate_old, true);
  }
  if (op == SQLITE_UPDATE || op == SQLITE_INSERT) {
    HookNote(*notes, db, t, sqlite3_preupdate_new, false);
  }
}

}  // namespace

std::string JsonKey(const SqlValue& v) {
  if (v.type == SqlValue::Type::kInt) return "[" + std::to_string(v.i) + "]";
  std::string out = "[\"";
  for (unsigned char c : v.bytes) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"]";
}

Status InstallSealTriggers(sqlite3* db, SealNotes* notes) {
  std::string sql = "";
  // WITHOUT ROWID tables get triggers (the hook's images of them are not usable here); every
  // other sealed table is served by the pre-update hook.
  notes->trigger_tables.clear();
  {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(
        db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'",
        -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db, rc, "row seal tables");
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      notes->trigger_tables.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return SqliteError(db, rc, "row seal tables");
  }
  sqlite3_preupdate_hook(db, PreUpdate, notes);
  for (const auto& entry : Sql()) {
    // Named copies rather than a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& name = entry.first;
    const auto& t = entry.second;
    if (!notes->trigger_tables.count(std::string(name))) continue;
    auto note = [&](const char* row, bool with_prior) {
      // json_array(NEW."id"): the same text as key_expr gives for the stored row.
      std::string key = "json_array(";
      for (size_t i = 0; i < t.table->key.size(); ++i) {
        if (i > 0) key += ", ";
        key += std::string(row) + "." + Quote(t.table->key[i]);
      }
      key += ")";
      std::string prior = "NULL";
      if (with_prior) {
        prior = "cradle_row_hash('" + std::string(name) + "'";
        for (std::string_view c : t.table->columns) {
          prior += ", " + std::string(row) + "." + Quote(c);
        }
        prior += ")";
      }
      return "SELECT cradle_seal_note('" + std::string(name) + "', " + key + ", " + prior + ");";
    };
    std::string prefix = "CREATE TEMP TRIGGER IF NOT EXISTS cradle_seal_" + std::string(name);
    std::string on = " ON main." + Quote(name) + " BEGIN ";
    sql += prefix + "_i AFTER INSERT" + on + note("NEW", false) + " END;";
    sql += prefix + "_u AFTER UPDATE" + on + note("OLD", true) + note("NEW", false) + " END;";
    sql += prefix + "_d AFTER DELETE" + on + note("OLD", true) + " END;";
  }
  int rc = sqlite3_create_function_v2(db, "cradle_row_hash", -1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                      nullptr, RowHashFunction, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "cradle_seal_note", 3, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                    notes, NoteFunction, nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "cradle_seal_audit", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                    notes, AuditNoteFunction, nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) return SqliteError(db, rc, "row seal functions");
  return ExecRaw(db, sql);
}

Status SealPendingRows(Txn& txn, SealNotes& notes) {
  if (notes.rows.empty()) {
    notes.Clear();
    return Status::Ok();
  }
  // The seals belong to the last audit entry this Write appended; a Write that changed rows
  // without one gets an entry of its own.
  int64_t seq = notes.last_audit.value_or(0);
  if (!notes.last_audit) {
    const auto& first = notes.rows.begin()->first;
    CRADLE_STORE_ASSIGN_OR_RETURN(
        AuditEntry e, AppendAudit(txn, "cradle", "rows.seal", first.first + "/" + first.second,
                                  "{\"rows\":" + std::to_string(notes.rows.size()) + "}"));
    seq = e.seq;
  }
  for (const auto& [row, prior] : notes.rows) {
    CRADLE_STORE_ASSIGN_OR_RETURN(std::optional<std::string> hash,
                                  StoredRowHash(txn, row.first, row.second));
    CRADLE_STORE_RETURN_IF_ERROR(InsertSeal(txn, seq, row.first, row.second, hash, prior));
  }
  notes.Clear();
  CRADLE_STORE_ASSIGN_OR_RETURN(std::string digest, RowsDigest(txn, seq));
  return SetAuditRowsDigest(txn, seq, digest);
}

namespace {

Status SealAllRows(Txn& txn) {
  CRADLE_STORE_ASSIGN_OR_RETURN(Stmt pending, txn.Prepare("SELECT count(*) FROM row_seal_upgrade"));
  CRADLE_STORE_ASSIGN_OR_RETURN(bool row, pending.Step());
  if (!row || pending.Int(0) == 0) return Status::Ok();
  // Once sealing is in effect, re-inserting the upgrade marker must not launder rows added
  // behind cradle's back: only a database that never sealed anything is sealed wholesale.
  CRADLE_STORE_ASSIGN_OR_RETURN(
      Stmt sealed, txn.Prepare("SELECT 1 FROM audit_log WHERE rows_sha256 <> '' LIMIT 1"));
  CRADLE_STORE_ASSIGN_OR_RETURN(bool already, sealed.Step());
  int64_t total = 0;
  if (!already) {
    for (const SealedTable& t : SealedTables()) {
      CRADLE_STORE_ASSIGN_OR_RETURN(Stmt count,
                                    txn.Prepare("SELECT count(*) FROM main." + Quote(t.name)));
      CRADLE_STORE_ASSIGN_OR_RETURN(bool counted, count.Step());
      if (counted) total += count.Int(0);
    }
  }
  if (total > 0) {
    CRADLE_STORE_ASSIGN_OR_RETURN(
        AuditEntry e, AppendAudit(txn, "cradle", "rows.seal_upgrade", "schema/005_row_seals",
                                  "{\"rows\":" + std::to_string(total) + "}"));
    for (const SealedTable& t : SealedTables()) {
      CRADLE_STORE_ASSIGN_OR_RETURN(const TableSql* sql, Find(t.name));
      CRADLE_STORE_ASSIGN_OR_RETURN(Stmt rows, txn.Prepare(sql->all_rows));
      while (true) {
        CRADLE_STORE_ASSIGN_OR_RETURN(bool has, rows.Step());
        if (!has) break;
        std::string hash = RowContentHash(t.name, t.columns, ReadValues(rows, 1, t.columns.size()));
        CRADLE_STORE_RETURN_IF_ERROR(
            InsertSeal(txn, e.seq, t.name, rows.Text(0), hash, std::nullopt));
      }
    }
    CRADLE_STORE_ASSIGN_OR_RETURN(std::string digest, RowsDigest(txn, e.seq));
    CRADLE_STORE_RETURN_IF_ERROR(SetAuditRowsDigest(txn, e.seq, digest));
  }
  return txn.Exec("DELETE FROM row_seal_upgrade");
}

}  // namespace

Status SealRowsAtUpgrade(sqlite3* db, const Clock& clock) {
  CRADLE_STORE_ASSIGN_OR_RETURN(bool available, SealingAvailable(db));
  if (!available) return Status::Ok();
  CRADLE_STORE_RETURN_IF_ERROR(ExecRaw(db, "BEGIN IMMEDIATE"));
  Status s;
  {
    Txn txn(db, clock, /*writable=*/true);
    s = SealAllRows(txn);
  }
  if (s.ok()) s = ExecRaw(db, "COMMIT");
  if (!s.ok() && sqlite3_get_autocommit(db) == 0) ExecRaw(db, "ROLLBACK");
  return s;
}

}  // namespace internal

}  // namespace cradle::store
