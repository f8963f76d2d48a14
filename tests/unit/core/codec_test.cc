// Byte codecs and crypto: base45 (RFC 9285), base64url, hex, SHA-256, Ed25519 (RFC 8032),
// JWK Sets (RFC 7517/8037).
#define BOOST_TEST_MODULE core_codec
#include <boost/test/unit_test.hpp>

#include <random>

#include "core/base45.h"
#include "core/base64url.h"
#include "core/ed25519.h"
#include "core/hex.h"
#include "core/jwks.h"
#include "core/sha256.h"

namespace cradle {
namespace {

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

std::string Unhex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  BOOST_REQUIRE(bytes.ok());
  return *bytes;
}

BOOST_AUTO_TEST_SUITE(base45)

BOOST_AUTO_TEST_CASE(rfc9285_examples) {
  BOOST_TEST(Base45Encode("AB") == "BB8");
  BOOST_TEST(Base45Encode("Hello!!") == "%69 VD92EX0");
  BOOST_TEST(Base45Encode("base-45") == "UJCLQE7W581");
  BOOST_TEST(*Base45Decode("QED8WEX0") == "ietf!");
  BOOST_TEST(Base45Encode("") == "");
  BOOST_TEST(Base45Encode(std::string("\xff\xff", 2)) == "FGW");
  BOOST_TEST(*Base45Decode("FGW") == std::string("\xff\xff", 2));
  BOOST_TEST(Base45EncodedSize(64) == 96u);
}

BOOST_AUTO_TEST_CASE(random_round_trips_lengths_0_to_200) {
  std::mt19937 rng(45);
  for (size_t n = 0; n <= 200; ++n) {
    for (int k = 0; k < 5; ++k) {
      std::string bytes = RandomBytes(rng, n);
      std::string text = Base45Encode(bytes);
      BOOST_TEST(text.size() == Base45EncodedSize(n));
      auto back = Base45Decode(text);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST(*back == bytes);
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_inputs) {
  for (std::string_view bad : {"A", "BB8A", "GGW", "bb8", "BB_", "::", "U:", "ZZZZ"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto r = Base45Decode(bad);
      BOOST_TEST(!r.ok());
      BOOST_TEST(r.status().code() == "MALFORMED");
    }
  }
  // The largest legal pair (255 = "U5") and triple (65535 = "FGW") decode.
  BOOST_TEST(Base45Decode("U5").ok());
  BOOST_TEST(!Base45Decode("V5").ok());  // 256
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(base64url_hex_sha256)

BOOST_AUTO_TEST_CASE(rfc4648_vectors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (auto [bytes, text] : cases) {
    BOOST_TEST(Base64UrlEncode(bytes) == text);
    auto back = Base64UrlDecode(text);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(*back == bytes);
  }
  for (std::string_view bad : {"Zg==", "Z", "Zh", "Zm9v+", "Zm9v/", "Zm 9"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(Base64UrlDecode(bad).status().code() == "MALFORMED"); }
  }
  std::mt19937 rng(64);
  for (size_t n = 0; n < 100; ++n) {
    std::string bytes = RandomBytes(rng, n);
    BOOST_TEST(*Base64UrlDecode(Base64UrlEncode(bytes)) == bytes);
  }
}

BOOST_AUTO_TEST_CASE(hex) {
  BOOST_TEST(HexEncode(std::string("\x00\xab\xff", 3)) == "00abff");
  BOOST_TEST(*HexDecode("00ABff") == std::string("\x00\xab\xff", 3));
  BOOST_TEST(!HexDecode("abc").ok());
  BOOST_TEST(!HexDecode("zz").ok());
}

BOOST_AUTO_TEST_CASE(sha256_fips_vectors) {
  BOOST_TEST(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(Sha256Hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(Sha256Raw("abc").size() == kSha256Size);
  BOOST_TEST(HexEncode(Sha256Raw("abc")) == Sha256Hex("abc"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ed25519)

BOOST_AUTO_TEST_CASE(rfc8032_test_1_and_2) {
  struct Case {
    std::string_view seed, pub, msg, sig;
  };
  const Case cases[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
       "f9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
       "f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const Case& c : cases) {
    auto key = SigningKey::FromSeed(Unhex(c.seed));
    BOOST_REQUIRE(key.ok());
    BOOST_TEST(HexEncode(key->PublicKey()) == c.pub);
    std::string sig = key->Sign(Unhex(c.msg));
    BOOST_TEST(HexEncode(sig) == c.sig);
    BOOST_TEST(VerifyEd25519(Unhex(c.pub), Unhex(c.msg), sig));
    auto vk = VerifyingKey::FromRaw(Unhex(c.pub));
    BOOST_REQUIRE(vk.ok());
    BOOST_TEST(vk->Verify(Unhex(c.msg), sig));
    BOOST_TEST(!vk->Verify(Unhex(c.msg) + "x", sig));
  }
}

BOOST_AUTO_TEST_CASE(generated_keys_sign_and_reject_tampering) {
  auto a = SigningKey::Generate();
  auto b = SigningKey::Generate();
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(a->PublicKey() != b->PublicKey());
  std::string sig = a->Sign("message");
  BOOST_TEST(sig.size() == kEd25519SignatureSize);
  BOOST_TEST(VerifyEd25519(a->PublicKey(), "message", sig));
  BOOST_TEST(!VerifyEd25519(b->PublicKey(), "message", sig));
  BOOST_TEST(!VerifyEd25519(a->PublicKey(), "messagE", sig));
  std::string flipped = sig;
  flipped[10] ^= 1;
  BOOST_TEST(!VerifyEd25519(a->PublicKey(), "message", flipped));
  BOOST_TEST(!VerifyEd25519(a->PublicKey(), "message", sig.substr(0, 63)));
  BOOST_TEST(!VerifyEd25519(a->PublicKey().substr(1), "message", sig));
  // A copy shares the key and signs identically; the seed reproduces the key.
  SigningKey copy = *a;
  BOOST_TEST(copy.Sign("message") == sig);
  BOOST_TEST(SigningKey::FromSeed(a->Seed())->PublicKey() == a->PublicKey());
}

BOOST_AUTO_TEST_CASE(bad_key_sizes) {
  BOOST_TEST(SigningKey::FromSeed(std::string(31, 'x')).status().code() == "INVALID_KEY");
  BOOST_TEST(VerifyingKey::FromRaw(std::string(33, 'x')).status().code() == "INVALID_KEY");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwks)

BOOST_AUTO_TEST_CASE(write_then_read) {
  auto k1 = SigningKey::Generate();
  auto k2 = SigningKey::Generate();
  std::vector<PublicJwk> keys = {{"K1", k1->PublicKey()}, {"K2", k2->PublicKey()}};
  std::string text = WriteJwks(keys);
  BOOST_TEST(text.starts_with(R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"K1","x":")"));
  BOOST_TEST(text.find(R"("use":"sig","alg":"EdDSA"})") != std::string::npos);
  auto parsed = ParseJwks(text);
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST((*parsed == keys));
  auto set = ReadJwks(text);
  BOOST_REQUIRE(set.ok());
  BOOST_TEST(set->size() == 2u);
  BOOST_TEST(set->Find("K2")->Verify("m", k2->Sign("m")));
  BOOST_TEST(set->Find("K3") == nullptr);
  BOOST_TEST(ReadJwks(R"({"keys":[]})")->empty());
}

BOOST_AUTO_TEST_CASE(rejects_what_a_scanner_must_not_trust) {
  const std::string x = Base64UrlEncode(std::string(32, '\x11'));
  auto jwk = [&](std::string body) { return R"({"keys":[)" + body + "]}"; };
  const std::string good = R"("kty":"OKP","crv":"Ed25519","kid":"K1","x":")" + x + "\"";
  BOOST_REQUIRE(ParseJwks(jwk("{" + good + "}")).ok());
  const std::string bad[] = {
      "not json",
      R"({"kees":[]})",
      R"({"keys":{}})",
      jwk("1"),
      jwk(R"({"kty":"EC","crv":"Ed25519","kid":"K1","x":")" + x + "\"}"),
      jwk(R"({"kty":"OKP","crv":"X25519","kid":"K1","x":")" + x + "\"}"),
      jwk(R"({"kty":"OKP","crv":"Ed25519","kid":"K1","x":")" +
          Base64UrlEncode(std::string(31, 'a')) + "\"}"),
      jwk(R"({"kty":"OKP","crv":"Ed25519","kid":"K1","x":"not base64url!"})"),
      jwk(R"({"kty":"OKP","crv":"Ed25519","x":")" + x + "\"}"),
      jwk(R"({"kty":"OKP","crv":"Ed25519","kid":"k1","x":")" + x + "\"}"),
      jwk("{" + good + R"(,"use":"enc"})"),
      jwk("{" + good + R"(,"alg":"ES256"})"),
      jwk("{" + good + R"(,"d":"AAAA"})"),
      jwk("{" + good + "},{" + good + "}"),
  };
  for (const std::string& text : bad) {
    BOOST_TEST_CONTEXT(text) {
      auto r = ReadJwks(text);
      BOOST_TEST(!r.ok());
      BOOST_TEST(r.status().code() == "JWKS_INVALID");
    }
  }
  BOOST_TEST(ReadJwks(jwk("{" + good + "},1")).status().message().starts_with("keys[1]"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cradle
