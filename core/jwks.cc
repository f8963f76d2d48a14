#include "core/jwks.h"

#include <boost/json.hpp>

#include <set>

#include "core/base64url.h"

namespace cradle {
namespace json = boost::json;
namespace {

Status Invalid(std::string message) { return Status("JWKS_INVALID", std::move(message)); }

// The string member `name` of `obj`, or nullptr when absent or not a string.
const json::string* StringMember(const json::object& obj, std::string_view name) {
  const json::value* v = obj.if_contains(name);
  return v == nullptr ? nullptr : v->if_string();
}

Result<PublicJwk> ParseOneJwk(const json::value& value, size_t index) {
  std::string where = "keys[" + std::to_string(index) + "]: ";
  const json::object* obj = value.if_object();
  if (obj == nullptr) return Invalid(where + "not an object");
  const json::string* kty = StringMember(*obj, "kty");
  if (kty == nullptr || *kty != "OKP") return Invalid(where + "kty must be \"OKP\"");
  const json::string* crv = StringMember(*obj, "crv");
  if (crv == nullptr || *crv != "Ed25519") return Invalid(where + "crv must be \"Ed25519\"");
  const json::string* kid = StringMember(*obj, "kid");
  if (kid == nullptr || !IsValidKid(std::string_view(*kid))) {
    return Invalid(where + "kid must be 1 to 8 of 0-9 A-Z");
  }
  if (obj->contains("use")) {
    const json::string* use = StringMember(*obj, "use");
    if (use == nullptr || *use != "sig") return Invalid(where + "use must be \"sig\"");
  }
  if (obj->contains("alg")) {
    const json::string* alg = StringMember(*obj, "alg");
    if (alg == nullptr || *alg != "EdDSA") return Invalid(where + "alg must be \"EdDSA\"");
  }
  if (obj->contains("d")) return Invalid(where + "a private key (d) must never be published");
  const json::string* x = StringMember(*obj, "x");
  if (x == nullptr) return Invalid(where + "x is missing");
  auto raw = Base64UrlDecode(std::string_view(*x));
  if (!raw.ok()) return Invalid(where + "x is not base64url");
  if (raw->size() != kEd25519PublicKeySize) {
    return Invalid(where + "x must encode 32 bytes, not " + std::to_string(raw->size()));
  }
  return PublicJwk{std::string(std::string_view(*kid)), std::move(*raw)};
}

}  // namespace

std::string WriteJwks(const std::vector<PublicJwk>& keys) {
  json::array array;
  for (const PublicJwk& key : keys) {
    json::object jwk;
    jwk["kty"] = "OKP";
    jwk["crv"] = "Ed25519";
    jwk["kid"] = key.kid;
    jwk["x"] = Base64UrlEncode(key.public_key);
    jwk["use"] = "sig";
    jwk["alg"] = "EdDSA";
    array.push_back(std::move(jwk));
  }
  json::object root;
  root["keys"] = std::move(array);
  return json::serialize(root);
}

Result<std::vector<PublicJwk>> ParseJwks(std::string_view text) {
  json::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return Invalid("not JSON: " + ec.message());
  const json::object* obj = root.if_object();
  const json::value* keys = obj == nullptr ? nullptr : obj->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return Invalid("no \"keys\" array");
  std::vector<PublicJwk> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < keys->get_array().size(); ++i) {
    auto jwk = ParseOneJwk(keys->get_array()[i], i);
    if (!jwk.ok()) return jwk.status();
    if (!seen.insert(jwk->kid).second) {
      return Invalid("keys[" + std::to_string(i) + "]: duplicate kid " + jwk->kid);
    }
    out.push_back(std::move(*jwk));
  }
  return out;
}

Result<KeySet> ReadJwks(std::string_view text) {
  auto jwks = ParseJwks(text);
  if (!jwks.ok()) return jwks.status();
  KeySet set;
  for (size_t i = 0; i < jwks->size(); ++i) {
    const PublicJwk& jwk = (*jwks)[i];
    if (Status s = set.AddRaw(jwk.kid, jwk.public_key); !s.ok()) {
      return Invalid("keys[" + std::to_string(i) + "]: " + s.message());
    }
  }
  return set;
}

}  // namespace cradle
