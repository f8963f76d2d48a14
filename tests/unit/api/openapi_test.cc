// The OpenAPI document and the router stay in step: every routed (method, path) is documented
// and every documented one is routed.
#define BOOST_TEST_MODULE api_openapi_test
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "tests/unit/api/api_harness.h"

namespace cradle::testing {
namespace {

using MethodPath = std::pair<std::string, std::string>;

size_t Indent(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// A small line-based parse of the `paths:` section: a path is a key at indent 2 starting with
// '/', an operation a key at indent 4 naming an HTTP method.
std::set<MethodPath> DocumentedOperations(const std::string& yaml) {
  static const std::set<std::string> kMethods = {"get",   "put",     "post", "delete",
                                                 "patch", "options", "head", "trace"};
  std::set<MethodPath> out;
  std::istringstream in(yaml);
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    const size_t indent = Indent(line);
    if (indent == 0) {
      in_paths = line.rfind("paths:", 0) == 0;
      continue;
    }
    if (!in_paths) continue;
    const std::string key = line.substr(indent, line.find(':', indent) - indent);
    if (indent == 2) {
      path = key.size() >= 1 && key[0] == '/' ? key : "";
    } else if (indent == 4 && !path.empty() && kMethods.count(key)) {
      std::string upper;
      for (char c : key) upper.push_back(static_cast<char>(std::toupper(c)));
      out.emplace(upper, path);
    }
  }
  return out;
}

BOOST_AUTO_TEST_CASE(parser_reads_a_small_document) {
  const std::string yaml =
      "openapi: 3.1.0\n"
      "components:\n  schemas:\n    get:\n      type: object\n"
      "paths:\n"
      "  /a/{id}:\n    get:\n      summary: x\n    post:\n      summary: y\n"
      "    parameters:\n      - name: id\n"
      "  /b:\n    delete:\n      responses: {}\n"
      "tags:\n  - name: t\n";
  const auto ops = DocumentedOperations(yaml);
  const std::set<MethodPath> want = {{"GET", "/a/{id}"}, {"POST", "/a/{id}"}, {"DELETE", "/b"}};
  BOOST_TEST((ops == want));
}

BOOST_AUTO_TEST_CASE(every_route_is_documented_and_every_documented_route_is_routed) {
  ApiHarness h;
  std::set<MethodPath> routed;
  for (const auto& r : h.router().Routes()) routed.insert(r);
  const auto documented = DocumentedOperations(api::OpenApiYaml());
  BOOST_TEST(routed.size() >= 20u);
  BOOST_TEST(documented.size() >= 20u);
  for (const auto& [method, path] : routed) {
    BOOST_TEST_INFO("routed but not in openapi.yaml: " << method << " " << path);
    BOOST_TEST(documented.count({method, path}) == 1u);
  }
  for (const auto& [method, path] : documented) {
    BOOST_TEST_INFO("in openapi.yaml but not routed: " << method << " " << path);
    BOOST_TEST(routed.count({method, path}) == 1u);
  }
}

// One operation's lines of the `paths:` section (indent 6 and deeper under its method key).
std::map<MethodPath, std::vector<std::string>> OperationBlocks(const std::string& yaml) {
  std::map<MethodPath, std::vector<std::string>> out;
  std::istringstream in(yaml);
  std::string line, path;
  std::vector<std::string>* block = nullptr;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    const size_t indent = Indent(line);
    if (indent == 0) {
      in_paths = line.rfind("paths:", 0) == 0;
      block = nullptr;
      continue;
    }
    if (!in_paths) continue;
    const std::string key = line.substr(indent, line.find(':', indent) - indent);
    if (indent == 2) {
      path = key;
      block = nullptr;
    } else if (indent == 4) {
      std::string upper;
      for (char c : key) upper.push_back(static_cast<char>(std::toupper(c)));
      block = &out[{upper, path}];
    } else if (block) {
      block->push_back(line);
    }
  }
  return out;
}

// The operationId of a block, or "".
std::string OperationId(const std::vector<std::string>& block) {
  for (const auto& l : block) {
    if (Indent(l) == 6 && l.compare(6, 12, "operationId:") == 0) {
      std::string id = l.substr(18);
      id.erase(0, id.find_first_not_of(' '));
      return id;
    }
  }
  return "";
}

// Whether every 2xx response of a block documents its body (content with a schema).
bool SuccessHasSchema(const std::vector<std::string>& block) {
  bool any = false;
  for (size_t i = 0; i < block.size(); ++i) {
    const std::string& l = block[i];
    if (Indent(l) != 8 || l.compare(8, 2, "'2") != 0) continue;
    any = true;
    std::string text = l;
    for (size_t j = i + 1; j < block.size() && Indent(block[j]) > 8; ++j) text += block[j];
    if (text.find("content:") == std::string::npos || text.find("schema:") == std::string::npos) {
      return false;
    }
  }
  return any;
}

BOOST_AUTO_TEST_CASE(the_reader_finds_ids_and_success_schemas) {
  const std::string yaml =
      "paths:\n"
      "  /a:\n    get:\n      operationId: getA\n      responses:\n"
      "        '200': {description: x, content: {application/json: {schema: {type: object}}}}\n"
      "        '404': {description: y}\n"
      "  /b:\n    post:\n      responses:\n        '201':\n          description: z\n";
  const auto blocks = OperationBlocks(yaml);
  BOOST_REQUIRE_EQUAL(blocks.size(), 2u);
  BOOST_TEST(OperationId(blocks.at({"GET", "/a"})) == "getA");
  BOOST_TEST(SuccessHasSchema(blocks.at({"GET", "/a"})));
  BOOST_TEST(OperationId(blocks.at({"POST", "/b"})) == "");
  BOOST_TEST(!SuccessHasSchema(blocks.at({"POST", "/b"})));
}

BOOST_AUTO_TEST_CASE(every_transfer_operation_has_an_operation_id_and_a_response_schema) {
  ApiHarness h;
  const auto blocks = OperationBlocks(api::OpenApiYaml());
  std::map<std::string, MethodPath> ids;
  for (const auto& [op, block] : blocks) {
    const std::string id = OperationId(block);
    if (id.empty()) continue;
    BOOST_TEST_INFO("operationId " << id << " twice");
    BOOST_TEST(ids.emplace(id, op).second);
  }
  size_t transfer_ops = 0;
  for (const auto& [method, path] : h.router().Routes()) {
    if (path.rfind("/api/v1/transfers", 0) != 0 && path.rfind("/api/v1/revisions", 0) != 0) {
      continue;
    }
    ++transfer_ops;
    BOOST_TEST_CONTEXT(method << " " << path) {
      BOOST_REQUIRE(blocks.count({method, path}) == 1u);
      BOOST_TEST(OperationId(blocks.at({method, path})) != "");
      BOOST_TEST(SuccessHasSchema(blocks.at({method, path})));
    }
  }
  BOOST_TEST(transfer_ops == 13u);  // 11 under /transfers (the PDF among them), approve, refuse
}

BOOST_AUTO_TEST_CASE(the_served_document_is_the_embedded_one) {
  ApiHarness h;
  auto r = h.Call("GET", "/openapi.yaml");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type.rfind("application/yaml", 0) == 0u);
  BOOST_TEST(r.body == api::OpenApiYaml());
  BOOST_TEST(r.body.rfind("openapi: 3.1", 0) == 0u);
}

}  // namespace
}  // namespace cradle::testing
