#include "server/service/label_service.h"

#include <map>
#include <mutex>

#include "core/mass.h"
#include "core/waste_code.h"
#include "core/wm1.h"
#include "server/service/manifests.h"
#include "server/store/manifests.h"
#include "server/store/orgs.h"

namespace cradle::service {
namespace {

// Hazard characteristic letters (T, C, I, R, In) with their Chinese names, as HJ 1276 prints them.
std::string HazardText(const std::string& letters) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"In", "感染性In"}, {"T", "毒性T"}, {"C", "腐蚀性C"}, {"I", "易燃性I"}, {"R", "反应性R"}};
  std::string out;
  size_t i = 0;
  while (i < letters.size()) {
    bool matched = false;
    for (const auto& [code, name] : kNames) {
      const std::string_view c(code);
      if (letters.compare(i, c.size(), c) == 0) {
        if (!out.empty()) out += " ";
        out += name;
        i += c.size();
        matched = true;
        break;
      }
    }
    if (!matched) ++i;  // separators such as "," or "/"
  }
  return out;
}

}  // namespace

labels::LabelContent LabelFor(const store::Manifest& m, const store::Org& producer,
                              const Catalogue& catalogue) {
  labels::LabelContent c;
  const auto dashed = WasteCodeToDashed(m.waste_code);
  c.waste_code = dashed.ok() ? *dashed : m.waste_code;
  if (const CatalogueEntry* e = catalogue.Find(c.waste_code)) {
    c.waste_name = e->description;
    c.category = e->category + " " + e->category_name;
    c.hazards = HazardText(e->hazards);
  }
  c.components = m.description.value_or("");
  c.producer_name = producer.name;
  c.producer_uscc = producer.uscc;
  c.contact = producer.contact;
  c.produced_on = m.produced_on;
  c.mass = FormatKg(m.mass_g);
  if (const Packaging* pack = FindPackaging(m.packaging)) c.packaging = std::string(pack->chinese);
  c.digital_id = m.id;
  c.token = m.token;
  return c;
}

namespace {

// Reads the manifests and their producers, checking the caller may print each.
Result<std::vector<labels::LabelContent>> LoadLabels(const Context& ctx, const Principal& p,
                                                     const std::vector<std::string>& ids,
                                                     bool producer_only) {
  std::vector<labels::LabelContent> out;
  out.reserve(ids.size());
  Status s = ctx.db.Read([&](store::Txn& txn) -> Status {
    for (const auto& id : ids) {
      auto m = store::FindManifest(txn, id);
      if (!m.ok()) return m.status();
      bool allowed = p.ReadsAll() || m->producer == p.org;
      if (!allowed && !producer_only) {
        auto events = store::ListEvents(txn, id);
        if (!events.ok()) return events.status();
        allowed = MayRead(p, *m, *events, std::nullopt);
      }
      if (producer_only && !(p.Is(Role::kAdmin) || m->producer == p.org)) allowed = false;
      if (!allowed) return Status("NOT_FOUND", "no manifest " + id);
      auto org = store::FindOrg(txn, m->producer);
      if (!org.ok()) return org.status();
      out.push_back(LabelFor(*m, *org, ctx.catalogue));
    }
    return Status();
  });
  if (!s.ok()) return s;
  return out;
}

// Process-wide print-run counts. A slot is taken before anything is read and given back when
// the run ends, whatever the outcome.
class PrintRunGate {
 public:
  static PrintRunGate& Instance() {
    static PrintRunGate gate;
    return gate;
  }
  bool TryEnter(const std::string& org, int per_org, int total) {
    std::lock_guard lock(mu_);
    if (total_ >= total || by_org_[org] >= per_org) return false;
    ++by_org_[org];
    ++total_;
    return true;
  }
  void Leave(const std::string& org) {
    std::lock_guard lock(mu_);
    if (--by_org_[org] == 0) by_org_.erase(org);
    --total_;
  }
  PrintRunCounts Counts(const std::string& org) {
    std::lock_guard lock(mu_);
    auto it = by_org_.find(org);
    return PrintRunCounts{it == by_org_.end() ? 0 : it->second, total_};
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> by_org_;
  int total_ = 0;
};

// Holds one slot for its lifetime.
class PrintRunSlot {
 public:
  explicit PrintRunSlot(std::string org) : org_(std::move(org)) {}
  ~PrintRunSlot() { PrintRunGate::Instance().Leave(org_); }
  PrintRunSlot(const PrintRunSlot&) = delete;
  PrintRunSlot& operator=(const PrintRunSlot&) = delete;

 private:
  std::string org_;
};

}  // namespace

PrintRunCounts PrintRunsInFlight(const std::string& org) {
  return PrintRunGate::Instance().Counts(org);
}

Result<std::string> RenderManifestLabel(const Context& ctx, const Principal& p,
                                        const std::string& id, labels::LabelSize size,
                                        labels::LabelFormat format) {
  auto content = LoadLabels(ctx, p, {id}, /*producer_only=*/false);
  if (!content.ok()) return content.status();
  return labels::RenderLabel(content->front(), size, format);
}

Result<LabelRunStream> OpenLabelRun(const Context& ctx, const Principal& p,
                                    const std::vector<std::string>& ids, labels::LabelSize size,
                                    labels::LabelFormat format) {
  if (!p.Is(Role::kProducer) && !p.Is(Role::kAdmin)) {
    return Status("FORBIDDEN", "print runs are for the producer's own manifests");
  }
  if (ids.empty() || ids.size() > kMaxPrintRun) {
    return Status("TOO_MANY_LABELS", "a print run has 1 to 1000 labels");
  }
  // An admin has no organisation: its runs count under one shared key.
  const std::string org = p.org.empty() ? std::string("(admin)") : p.org;
  if (!PrintRunGate::Instance().TryEnter(org, ctx.settings.print_runs_per_org,
                                         ctx.settings.print_runs_total)) {
    return Status("PRINT_RUNS_BUSY",
                  "too many label print runs are rendering; retry in a few seconds");
  }
  struct Run {
    explicit Run(const std::string& org) : slot(org) {}
    PrintRunSlot slot;
    std::vector<labels::LabelContent> contents;
  };
  auto run = std::make_shared<Run>(org);
  auto contents = LoadLabels(ctx, p, ids, /*producer_only=*/true);
  if (!contents.ok()) return contents.status();
  run->contents = std::move(*contents);
  return LabelRunStream{[run, size, format](const labels::ByteSink& sink) {
    return labels::StreamPrintRun(run->contents, size, format, sink);
  }};
}

Result<std::string> RenderLabelRun(const Context& ctx, const Principal& p,
                                   const std::vector<std::string>& ids, labels::LabelSize size,
                                   labels::LabelFormat format) {
  auto run = OpenLabelRun(ctx, p, ids, size, format);
  if (!run.ok()) return run.status();
  std::string out;
  Status s = run->write([&out](std::string_view bytes) {
    out.append(bytes);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace cradle::service
