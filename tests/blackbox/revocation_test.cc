// Revoking a token or a device: it authenticates no more (401), everything else goes on, and the
// revocation is audited.
#define BOOST_TEST_MODULE revocation
#include <boost/test/unit_test.hpp>

#include "tests/blackbox/server_test_helpers.h"

using namespace cradle::testing;

BOOST_AUTO_TEST_CASE(revoked_token_and_device_are_refused) {
  TempServer server;
  BOOST_REQUIRE(server.Start().ok());
  auto c = server.Client();
  const std::string admin = server.admin_token();

  // A collector organisation with a token and a device.
  const std::string collector = UsccFrom("91331000RWK000001");
  auto created =
      MustSend(c, "POST", "/api/v1/orgs", Bearer(admin),
               R"({"uscc":")" + collector + R"(","name":"收运公司","roles":["collector"]})");
  BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
  auto tok = MustSend(c, "POST", "/api/v1/orgs/" + collector + "/tokens", Bearer(admin),
                      R"({"role":"collector"})");
  BOOST_REQUIRE_EQUAL(tok.status, 201);
  const auto tv = ParseJson(tok.body);
  const std::string token = std::string(tv.at("token").as_string());
  const int64_t token_id = tv.at("id").as_int64();
  auto dev = MustSend(c, "POST", "/api/v1/devices", Bearer(admin),
                      R"({"device_id":"rv-01","org":")" + collector + R"("})");
  BOOST_REQUIRE_EQUAL(dev.status, 201);
  const std::string out = server.data_dir() + "/dev";
  BOOST_REQUIRE_EQUAL(RunCommand(Binary("server/cradle-server") + " device-cert --data " +
                                 server.data_dir() + " rv-01 " + out),
                      0);
  auto device = server.Client(out + "/rv-01.crt", out + "/rv-01.key");

  // Both work before.
  BOOST_CHECK_EQUAL(MustSend(c, "GET", "/api/v1/revocations", Bearer(token)).status, 200);
  BOOST_CHECK_EQUAL(MustSend(device, "GET", "/api/v1/revocations").status, 200);

  // Only an admin revokes.
  BOOST_CHECK_EQUAL(MustSend(c, "POST", "/api/v1/devices/rv-01/revoke", Bearer(token)).status, 403);
  BOOST_CHECK_EQUAL(MustSend(c, "POST", "/api/v1/devices/nope/revoke", Bearer(admin)).status, 404);
  BOOST_CHECK_EQUAL(MustSend(c, "POST", "/api/v1/tokens/x1/revoke", Bearer(admin)).status, 404);

  BOOST_CHECK_EQUAL(MustSend(c, "POST", "/api/v1/devices/rv-01/revoke", Bearer(admin)).status, 200);
  auto after_dev = MustSend(device, "GET", "/api/v1/revocations");
  BOOST_CHECK_EQUAL(after_dev.status, 401);
  BOOST_CHECK_EQUAL(ProblemCode(after_dev), "UNAUTHENTICATED");

  BOOST_CHECK_EQUAL(
      MustSend(c, "POST", "/api/v1/tokens/" + std::to_string(token_id) + "/revoke", Bearer(admin))
          .status,
      200);
  BOOST_CHECK_EQUAL(MustSend(c, "GET", "/api/v1/revocations", Bearer(token)).status, 401);
  // The admin is untouched, and both revocations are in the verified audit chain.
  auto audit = MustSend(c, "GET", "/api/v1/audit?limit=1000", Bearer(admin));
  BOOST_REQUIRE_EQUAL(audit.status, 200);
  BOOST_CHECK(audit.body.find("device.revoke") != std::string::npos);
  BOOST_CHECK(audit.body.find("token.revoke") != std::string::npos);
  auto verify = MustSend(c, "GET", "/api/v1/audit/verify", Bearer(admin));
  BOOST_CHECK(ParseJson(verify.body).at("ok").as_bool());
}
