// RenderTransferPdf: the A4 transfer manifest (transfer_pdf.h). Geometry in millimetres, one
// cairo PDF surface; the layout runs twice, first to count the pages ("共 n 页"), then for real.
#include "server/labels/transfer_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <memory>
#include <string_view>

#include "core/civil_time.h"
#include "core/mass.h"
#include "server/labels/label.h"
#include "server/labels/text.h"

namespace cradle::labels {
namespace {

using internal::ContextPtr;
using internal::Font;
using internal::LayoutPtr;
using internal::NewContextFor;
using internal::SanitizeText;

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double kPageW = 210, kPageH = 297;
constexpr double kLeft = 15, kRight = 195, kTop = 14, kBottom = 279;
constexpr double kBody = 3.2, kSmall = 2.7, kHead = 3.6;  // em heights, mm
constexpr double kRowH = 5.6;
constexpr double kQrSide = 46;  // QR with its quiet zone

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

struct Sink {
  std::string* out;  // null: discard (the counting pass)
};

cairo_status_t Write(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<Sink*>(closure);
  if (sink->out) sink->out->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string_view StatusLabel(std::string_view s) {
  if (s == "draft") return "草稿";
  if (s == "submitted") return "已提交（待起运）";
  if (s == "in_transit") return "运输中";
  if (s == "delivered") return "已送达（待接收确认）";
  if (s == "received") return "已接收";
  if (s == "refused") return "已拒收";
  if (s == "cancelled") return "已取消";
  return s;
}

std::string_view ContainerLabel(std::string_view s) {
  if (s == "listed") return "待装车";
  if (s == "loaded") return "已装车";
  if (s == "received") return "已接收";
  if (s == "refused") return "已拒收";
  if (s == "not_loaded") return "未装车";
  return s;
}

std::string_view PurposeLabel(std::string_view s) {
  if (s == "disposal") return "处置";
  if (s == "utilisation") return "利用";
  return s;
}

std::string Mass(const std::optional<int64_t>& g) { return g ? FormatKg(*g) : "—"; }
std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

// "2026-12-03 09:12:09" in the deployment's zone.
std::string LocalTime(int64_t micros, int offset) {
  std::string t = FormatRfc3339(micros / kMicrosPerSecond * kMicrosPerSecond, offset);
  if (t.size() >= 19) {
    t[10] = ' ';
    t.resize(19);
  }
  return t;
}

// Which cells of a row are bold captions.
enum class Bold { kNone, kFirst, kAlternate, kAll };

struct Column {
  const char* title;
  double width;
  bool mono = false;
};

// Draws one pass of the document. Borrows the surface; lives for one pass.
class Sheet {
 public:
  Sheet(cairo_surface_t* surface, const TransferSheet& s, const QrMatrix& qr, int total_pages)
      : s_(s), qr_(qr), total_(total_pages) {
    cr_.reset(cairo_create(surface));
    cairo_scale(cr_.get(), kPointsPerMm, kPointsPerMm);
    ctx_ = NewContextFor(cr_.get(), true);
  }

  bool ok() const { return ctx_ != nullptr; }
  int pages() const { return page_; }
  int unknown_glyphs() const { return unknown_; }

  void Draw() {
    StartPage();
    DrawFirstHeader();
    Section("一、转移各方");
    const std::vector<Column> parties = {
        {"", 22}, {"单位名称", 98}, {"统一社会信用代码 / 设施编号", 60}};
    TableHeader(parties);
    PartyRow("移出人", s_.sender, parties);
    PartyRow("承运人", s_.carrier, parties);
    PartyRow("接受人", s_.receiver, parties);

    Section("二、运输信息");
    const std::vector<Column> pairs = {{"", 26}, {"", 64}, {"", 26}, {"", 64}};
    Row(pairs, {"车牌号码", OrDash(s_.vehicle), "转移目的", std::string(PurposeLabel(s_.purpose))},
        {false, false, false, false}, Bold::kAlternate);
    Row(pairs, {"驾驶员", OrDash(s_.driver_name), "驾驶证号", OrDash(s_.driver_licence)},
        {false, false, false, true}, Bold::kAlternate);
    Row(pairs,
        {"计划转移日期", OrDash(s_.planned_on), "送达时间",
         s_.delivered_at ? LocalTime(*s_.delivered_at, s_.utc_offset_minutes) : "—"},
        {false, false, false, false}, Bold::kAlternate);
    Row(pairs, {"接收确认期限", OrDash(s_.receipt_due), "退回原联单", OrDash(s_.return_of)},
        {false, false, false, true}, Bold::kAlternate);

    Section("三、签字确认");
    const std::vector<Column> signs = {{"", 26}, {"单位", 94}, {"签字时间", 60}};
    TableHeader(signs);
    SignRow("移出人", s_.sender, s_.sender_signed_at, signs);
    SignRow("承运人", s_.carrier, s_.carrier_signed_at, signs);
    SignRow("接受人", s_.receiver, s_.receiver_signed_at, signs);

    Section("四、危险废物明细（按废物代码）");
    const std::vector<Column> lines = {{"废物代码", 22, true}, {"废物名称", 46}, {"数量（件）", 22},
                                       {"申报重量", 22},       {"起运重量", 22}, {"接收重量", 23},
                                       {"拒收重量", 23}};
    TableHeader(lines);
    int64_t count = 0;
    for (const TransferSheetLine& l : s_.lines) {
      Paginate(lines, "四、危险废物明细（续）");
      count += l.count;
      Row(lines,
          {l.waste_code, l.waste_name, std::to_string(l.count), Mass(l.declared_g),
           Mass(l.pickup_g), Mass(l.received_g), Mass(l.refused_g)},
          {true, false, false, false, false, false, false});
    }
    Paginate(lines, "四、危险废物明细（续）");
    Row(lines, {"合计", "", std::to_string(count), "", "", "", ""},
        {false, false, false, false, false, false, false}, Bold::kFirst);

    Section("五、容器清单（危险废物标签 数字识别码），共 " + std::to_string(s_.containers.size()) +
            " 件");
    const std::vector<Column> boxes = {
        {"序号", 11},     {"数字识别码", 73, true}, {"废物代码", 22, true}, {"状态", 16},
        {"申报重量", 19}, {"起运重量", 19},         {"接收重量", 20}};
    TableHeader(boxes);
    for (size_t i = 0; i < s_.containers.size(); ++i) {
      const TransferSheetContainer& c = s_.containers[i];
      Paginate(boxes, "五、容器清单（续）");
      Row(boxes,
          {std::to_string(i + 1), c.digital_id, c.waste_code, std::string(ContainerLabel(c.status)),
           Mass(c.declared_g), Mass(c.pickup_g), Mass(c.received_g)},
          {false, true, true, false, false, false, false});
    }
    FinishPage();
  }

 private:
  // One text run at (x, y) top-left, at most `width` wide (ellipsized), in `font`.
  double Text(const std::string& raw, double x, double y, double width, double font, bool bold,
              bool mono, PangoAlignment align = PANGO_ALIGN_LEFT) {
    const std::string text = SanitizeText(raw, 512);
    LayoutPtr layout(pango_layout_new(ctx_.get()));
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    pango_layout_set_font_description(layout.get(), Font(mono, bold, font));
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_alignment(layout.get(), align);
    pango_layout_set_height(layout.get(), -1);
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    PangoRectangle logical;
    pango_layout_get_extents(layout.get(), nullptr, &logical);
    cairo_set_source_rgb(cr_.get(), 0, 0, 0);
    cairo_move_to(cr_.get(), x, y);
    pango_cairo_show_layout(cr_.get(), layout.get());
    unknown_ += pango_layout_get_unknown_glyphs_count(layout.get());
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  void Rule(double x0, double y0, double x1, double y1, double width = 0.2) {
    cairo_set_source_rgb(cr_.get(), 0, 0, 0);
    cairo_set_line_width(cr_.get(), width);
    cairo_move_to(cr_.get(), x0, y0);
    cairo_line_to(cr_.get(), x1, y1);
    cairo_stroke(cr_.get());
  }

  void StartPage() {
    ++page_;
    y_ = kTop;
    if (page_ > 1) {
      Text("危险废物转移联单（续）  联单编号 " + s_.number, kLeft, y_, kRight - kLeft, kHead, true,
           false);
      y_ += 8;
    }
  }

  void FinishPage() {
    Rule(kLeft, kBottom + 2, kRight, kBottom + 2, 0.3);
    const std::string total = total_ > 0 ? std::to_string(total_) : "?";
    Text("第 " + std::to_string(page_) + " 页 共 " + total + " 页", kLeft, kBottom + 3.5, 40,
         kSmall, false, false);
    Text("打印时间 " + LocalTime(s_.printed_at, s_.utc_offset_minutes) +
             "　二维码为签名转移令牌，可用 cradle-scan verify-transfer 离线核验",
         kLeft + 40, kBottom + 3.5, kRight - kLeft - 40, kSmall, false, false, PANGO_ALIGN_RIGHT);
    cairo_show_page(cr_.get());
  }

  // Starts a new page (with the section's title and header again) when a row does not fit.
  void Paginate(const std::vector<Column>& cols, const std::string& title) {
    if (y_ + kRowH <= kBottom) return;
    FinishPage();
    StartPage();
    Section(title);
    TableHeader(cols);
  }

  void DrawFirstHeader() {
    const double text_w = kRight - kLeft - kQrSide - 4;
    Text("危险废物转移联单", kLeft, y_, text_w, 7.5, true, false, PANGO_ALIGN_CENTER);
    Text("（电子转移联单）", kLeft, y_ + 10, text_w, kBody, false, false, PANGO_ALIGN_CENTER);
    Text("联单编号", kLeft, y_ + 17, 22, kBody, true, false);
    Text(s_.number, kLeft + 22, y_ + 16.5, text_w - 22, 4.4, true, true);
    Text("状态", kLeft, y_ + 24, 22, kBody, true, false);
    Text(std::string(StatusLabel(s_.status)), kLeft + 22, y_ + 24, text_w - 22, kBody, false,
         false);
    Text("移出人", kLeft, y_ + 30, 22, kBody, true, false);
    Text(s_.sender.name, kLeft + 22, y_ + 30, text_w - 22, kBody, false, false);
    Text("接受人", kLeft, y_ + 36, 22, kBody, true, false);
    Text(s_.receiver.name, kLeft + 22, y_ + 36, text_w - 22, kBody, false, false);
    DrawQr(kRight - kQrSide, y_ - 2);
    Text("扫码离线核验", kRight - kQrSide, y_ - 2 + kQrSide, kQrSide, kSmall, false, false,
         PANGO_ALIGN_CENTER);
    y_ += kQrSide + 4;
  }

  void DrawQr(double x, double y) {
    const int total = qr_.width + 2 * QrMatrix::kQuietZone;
    const double module = kQrSide / total;
    cairo_t* cr = cr_.get();
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, kQrSide, kQrSide);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int my = 0; my < qr_.width; ++my) {
      for (int mx = 0; mx < qr_.width;) {
        if (!qr_.Dark(mx, my)) {
          ++mx;
          continue;
        }
        int end = mx;
        while (end < qr_.width && qr_.Dark(end, my)) ++end;
        cairo_rectangle(cr, x + (QrMatrix::kQuietZone + mx) * module,
                        y + (QrMatrix::kQuietZone + my) * module, (end - mx) * module, module);
        mx = end;
      }
    }
    cairo_fill(cr);
  }

  void Section(const std::string& title) {
    if (y_ + 3 * kRowH > kBottom) {  // a title never ends a page
      FinishPage();
      StartPage();
    }
    y_ += 2;
    Text(title, kLeft, y_, kRight - kLeft, kHead, true, false);
    y_ += 6.5;
  }

  void TableHeader(const std::vector<Column>& cols) {
    bool any = false;
    for (const Column& c : cols) any = any || c.title[0] != '\0';
    if (!any) return;
    cairo_set_source_rgb(cr_.get(), 0.9, 0.9, 0.9);
    cairo_rectangle(cr_.get(), kLeft, y_, kRight - kLeft, kRowH);
    cairo_fill(cr_.get());
    std::vector<std::string> titles;
    for (const Column& c : cols) titles.emplace_back(c.title);
    Row(cols, titles, std::vector<bool>(cols.size(), false), Bold::kAll);
  }

  // One table row of single-line cells (ellipsized to their column).
  void Row(const std::vector<Column>& cols, const std::vector<std::string>& cells,
           const std::vector<bool>& mono, Bold captions = Bold::kNone) {
    double x = kLeft;
    Rule(kLeft, y_, kRight, y_);
    for (size_t i = 0; i < cols.size(); ++i) {
      const bool bold = captions == Bold::kAll || (captions == Bold::kFirst && i == 0) ||
                        (captions == Bold::kAlternate && i % 2 == 0);
      const double font = mono[i] ? kSmall : kBody;
      Text(cells[i], x + 1.2, y_ + (kRowH - font * 1.25) / 2, cols[i].width - 2.4, font, bold,
           mono[i]);
      Rule(x, y_, x, y_ + kRowH);
      x += cols[i].width;
    }
    Rule(kRight, y_, kRight, y_ + kRowH);
    y_ += kRowH;
    Rule(kLeft, y_, kRight, y_);
  }

  void PartyRow(const char* role, const TransferSheetParty& p, const std::vector<Column>& cols) {
    const std::string name = p.note.empty() ? p.name : p.name + "（" + p.note + "）";
    Row(cols, {role, OrDash(name), OrDash(p.id)}, {false, false, true}, Bold::kFirst);
  }

  void SignRow(const char* role, const TransferSheetParty& p, const std::optional<int64_t>& at,
               const std::vector<Column>& cols) {
    Row(cols,
        {role, OrDash(p.name),
         at ? "已签 " + LocalTime(*at, s_.utc_offset_minutes) : std::string("未签")},
        {false, false, false}, Bold::kFirst);
  }

  const TransferSheet& s_;
  const QrMatrix& qr_;
  const int total_;
  std::unique_ptr<cairo_t, CairoFree> cr_;
  ContextPtr ctx_;
  double y_ = kTop;
  int page_ = 0;
  int unknown_ = 0;
};

Result<TransferPdf> RenderPass(const TransferSheet& sheet, const QrMatrix& qr, int total,
                               bool keep) {
  TransferPdf pdf;
  Sink sink{keep ? &pdf.bytes : nullptr};
  std::unique_ptr<cairo_surface_t, SurfaceFree> surface(cairo_pdf_surface_create_for_stream(
      Write, &sink, kPageW * kPointsPerMm, kPageH * kPointsPerMm));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 ("危险废物转移联单 " + sheet.number).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "cradle");
  {
    Sheet drawing(surface.get(), sheet, qr, total);
    if (!drawing.ok()) return Status("RENDER_FAILED", "pango gave no context");
    drawing.Draw();
    pdf.pages = drawing.pages();
    pdf.unknown_glyphs = drawing.unknown_glyphs();
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Status("RENDER_FAILED", cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return pdf;
}

}  // namespace

TransferTokenFields TokenFieldsFor(const TransferSheet& sheet, std::string kid, CivilDate date) {
  TransferTokenFields f;
  f.kid = std::move(kid);
  f.number = sheet.number;
  f.sender = sheet.sender.id;
  f.carrier = sheet.carrier.id;
  f.receiver = sheet.receiver.id;
  f.vehicle = sheet.vehicle;
  f.date = date;
  for (const TransferSheetLine& l : sheet.lines) {
    f.lines.push_back({l.waste_code, l.count, l.declared_g.value_or(0)});
  }
  f.issued_at = sheet.printed_at / kMicrosPerSecond;
  return CanonicalTransferFields(std::move(f));
}

Result<TransferPdf> RenderTransferPdfDetailed(const TransferSheet& sheet) {
  if (sheet.containers.size() > kMaxSheetContainers) {
    return Status("INVALID_FIELD", "a manifest prints at most 5000 containers");
  }
  if (sheet.lines.size() > kMaxSheetLines) {
    return Status("INVALID_FIELD", "a manifest prints at most 200 lines");
  }
  Result<QrMatrix> qr = EncodeQr(sheet.token);
  if (!qr.ok()) return qr.status();
  Result<TransferPdf> count = RenderPass(sheet, *qr, 0, false);
  if (!count.ok()) return count.status();
  return RenderPass(sheet, *qr, count->pages, true);
}

Result<std::string> RenderTransferPdf(const TransferSheet& sheet) {
  Result<TransferPdf> pdf = RenderTransferPdfDetailed(sheet);
  if (!pdf.ok()) return pdf.status();
  return std::move(pdf->bytes);
}

}  // namespace cradle::labels
