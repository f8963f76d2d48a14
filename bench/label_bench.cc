// label_bench: labels rendered per second (PNG and PDF at 100 mm, one thread and all cores).
//
//   label_bench [--seconds S] [--dpi D] [--sample out.png [--size 100|150|200]]
//
// Prints label_png_per_s=..., label_png_mt_per_s=... (all cores), label_pdf_per_s=...,
// label_zpl_per_s=... (wall clock) and each as ..._per_cpu_s (per CPU-second of the rendering
// threads: what the machine does when not shared). With --sample, writes one PNG label instead.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "server/labels/label.h"

namespace {

using cradle::labels::LabelContent;
using cradle::labels::LabelFormat;
using cradle::labels::LabelSize;

LabelContent Sample(int serial) {
  LabelContent c;
  c.waste_name = "生活垃圾焚烧飞灰";
  c.category = "HW18 焚烧处置残渣";
  c.waste_code = "772-002-18";
  c.form = "固态";
  c.hazards = "T（毒性）";
  c.components = "飞灰、螯合剂、水泥";
  c.hazardous_components = "铅、镉、二噁英类";
  c.precautions = "密闭贮存，防扬散、防流失、防渗漏；搬运时佩戴防尘口罩和手套";
  c.producer_name = "台州市绿能环保发电有限公司";
  c.producer_uscc = "91331000MA2H0A1B3E";
  c.contact = "王工 0576-88812345";
  c.produced_on = "2026-11-28";
  c.mass = "1250.5 kg";
  c.packaging = "吨袋";
  c.remarks = "螯合稳定化后送填埋场";
  char serial_text[8];
  std::snprintf(serial_text, sizeof serial_text, "%03d", serial % 1000);
  c.digital_id = std::string("91331000MA2H0A1B3E7720021820261128") + serial_text;
  c.token =
      "WM1:K1/91331000MA2H0A1B3E7720021820261128001/1250500/TB/"
      "7+G6H7L0H$E5RCI+$G6P4KOH0DABO2$0PQ8ARHMFAPZ76RROTCD9QA+S1AK8FQ9JUP$L1S2KPB9RYJ7CTJZNQDMTY7"
      "UVNJAK";
  return c;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

struct Rate {
  double per_s = 0;      // wall clock
  double per_cpu_s = 0;  // per CPU-second spent rendering
};

// Renders `format` on `threads` threads for about `seconds`.
Rate Measure(LabelFormat format, int threads, double seconds, int dpi) {
  cradle::labels::RenderOptions opt;
  opt.png_dpi = dpi;
  // Warm-up: fontconfig's first scan is not part of steady-state throughput.
  (void)cradle::labels::RenderLabel(Sample(0), LabelSize::k100, format, opt);
  std::vector<long> counts(threads, 0);
  std::vector<double> cpu(threads, 0);
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      (void)cradle::labels::RenderLabel(Sample(t), LabelSize::k100, format, opt);  // warm font map
      const double cpu0 = ThreadCpuSeconds();
      while (std::chrono::steady_clock::now() < until) {
        auto r = cradle::labels::RenderLabel(Sample(static_cast<int>(counts[t])), LabelSize::k100,
                                             format, opt);
        if (!r.ok()) {
          std::fprintf(stderr, "render failed: %s\n", r.status().ToString().c_str());
          return;
        }
        ++counts[t];
      }
      cpu[t] = ThreadCpuSeconds() - cpu0;
    });
  }
  for (auto& th : pool) th.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long total = 0;
  double cpu_total = 0;
  for (int t = 0; t < threads; ++t) {
    total += counts[t];
    cpu_total += cpu[t];
  }
  return Rate{total / elapsed, cpu_total > 0 ? total / cpu_total : 0};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  int dpi = 200;
  std::string sample;
  int size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dpi")) dpi = std::stoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sample")) sample = argv[i + 1];
    if (!std::strcmp(argv[i], "--size")) size = std::stoi(argv[i + 1]);
  }
  if (!sample.empty()) {
    cradle::labels::RenderOptions opt;
    opt.png_dpi = dpi;
    auto png = cradle::labels::RenderLabel(
        Sample(1), cradle::labels::ParseLabelSize(size).value_or(LabelSize::k100),
        LabelFormat::kPng, opt);
    if (!png.ok()) {
      std::fprintf(stderr, "%s\n", png.status().ToString().c_str());
      return 1;
    }
    std::ofstream(sample, std::ios::binary) << *png;
    return 0;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // <name>_per_s is wall clock; <name>_per_cpu_s is per CPU-second of the rendering threads,
  // which is what the machine does when it is not shared with builds.
  auto print = [](const char* name, Rate r) {
    std::printf("%s_per_s=%.1f\n%s_per_cpu_s=%.1f\n", name, r.per_s, name, r.per_cpu_s);
  };
  print("label_png", Measure(LabelFormat::kPng, 1, seconds, dpi));
  print("label_png_mt", Measure(LabelFormat::kPng, cores, seconds, dpi));
  print("label_pdf", Measure(LabelFormat::kPdf, 1, seconds, dpi));
  print("label_zpl", Measure(LabelFormat::kZpl, 1, seconds, dpi));
  return 0;
}
