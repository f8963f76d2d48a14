// core_bench: WM1 tokens signed, verified and parsed per second on one thread. Not a test.
//
// Usage: core_bench [count]   (default 20000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/ed25519.h"
#include "core/wm1.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 20000;
  if (count <= 0) count = 20000;
  auto key = cradle::SigningKey::FromSeed(std::string(32, '\x07'));
  if (!key.ok()) return 1;
  cradle::KeySet keys;
  if (!keys.AddRaw("K1", key->PublicKey()).ok()) return 1;
  cradle::TokenFields f{
      "K1", {"91331000MA2H0A1B3E", "77200218", cradle::CivilDate{2026, 11, 28}, 1}, 1250500, "TB"};

  std::vector<std::string> tokens;
  tokens.reserve(count);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    f.id.serial = i % 999 + 1;
    f.mass_g = 1000 + i;
    tokens.push_back(cradle::BuildToken(f, *key));
  }
  double sign_s = Seconds(start);

  start = std::chrono::steady_clock::now();
  int bad = 0;
  for (const std::string& t : tokens) bad += cradle::VerifyToken(t, keys).ok() ? 0 : 1;
  double verify_s = Seconds(start);

  start = std::chrono::steady_clock::now();
  for (const std::string& t : tokens) bad += cradle::ParseToken(t).ok() ? 0 : 1;
  double parse_s = Seconds(start);

  std::printf("tokens %d: sign %.0f/s, verify %.0f/s, parse %.0f/s, failures %d\n", count,
              count / sign_s, count / verify_s, count / parse_s, bad);
  return bad == 0 ? 0 : 1;
}
