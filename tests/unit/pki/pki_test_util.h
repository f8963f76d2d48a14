// Helpers shared by the pki tests: scratch directories, file modes, chain verification with
// OpenSSL's X509_verify_cert, an in-memory TLS handshake over a BIO pair, and the openssl CLI.
//
// Thread safety: test-only, single-threaded use.
#pragma once

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace cradle::pki::testing {

// The tests' scratch directory (tests/support/temp_dir.h); `dir / "name"` names a file in it.
class ScratchDir : public ::cradle::testing::TempDir {
 public:
  ScratchDir() : ::cradle::testing::TempDir("cradle-pki-test") {}
  std::string operator/(const std::string& name) const { return File(name); }
};

inline int FileMode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

inline X509Ptr LoadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return cert;
}

// X509_verify_cert of leaf against the single trusted CA, for an SSL purpose
// (X509_PURPOSE_SSL_SERVER / X509_PURPOSE_SSL_CLIENT). Returns the verify error code (0 = OK).
inline int VerifyChain(const std::string& ca_path, const std::string& leaf_path, int purpose) {
  X509Ptr ca = LoadCert(ca_path);
  X509Ptr leaf = LoadCert(leaf_path);
  if (!ca || !leaf) return -1;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  const int ok = X509_verify_cert(ctx);
  const int error = ok == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok == 1 ? 0 : (error == 0 ? -2 : error);
}

// DNS and IP entries of the subjectAltName ("DNS:localhost", "IP:127.0.0.1").
inline std::vector<std::string> SubjectAltNames(const std::string& cert_path) {
  std::vector<std::string> out;
  X509Ptr cert = LoadCert(cert_path);
  if (!cert) return out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* s = name->d.dNSName;
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         static_cast<size_t>(ASN1_STRING_length(s))));
    } else if (name->type == GEN_IPADD) {
      const int len = ASN1_STRING_length(name->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(name->d.iPAddress), text,
                sizeof text);
      out.push_back(std::string("IP:") + text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

// Exit status of a shell command (output discarded unless `keep_output`).
inline int Run(const std::string& command, bool keep_output = false) {
  const std::string full = keep_output ? command : command + " >/dev/null 2>&1";
  const int rc = std::system(full.c_str());
  return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct TlsSetup {
  std::string server_cert, server_key;  // presented by the server
  std::string client_trusts;            // CA file the client verifies the server with
  std::string verify_host;              // "localhost" or an IP literal
  std::string client_cert, client_key;  // optional client certificate (mTLS)
  std::string server_trusts_clients;    // CA for client certs; empty: no client auth
};

struct TlsOutcome {
  bool handshake_ok = false;
  std::string error;      // first OpenSSL error when the handshake failed
  std::string client_cn;  // CN of the client certificate as the server saw it
  std::string echoed;     // what the server read after the handshake
};

// A real TLS handshake between an in-process client and server over a BIO pair, then one
// application-data message from client to server.
inline TlsOutcome Handshake(const TlsSetup& setup) {
  TlsOutcome outcome;
  SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION);
  bool setup_ok =
      SSL_CTX_use_certificate_chain_file(sctx, setup.server_cert.c_str()) == 1 &&
      SSL_CTX_use_PrivateKey_file(sctx, setup.server_key.c_str(), SSL_FILETYPE_PEM) == 1 &&
      SSL_CTX_load_verify_locations(cctx, setup.client_trusts.c_str(), nullptr) == 1;
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, nullptr);
  if (!setup.server_trusts_clients.empty()) {
    setup_ok = setup_ok && SSL_CTX_load_verify_locations(sctx, setup.server_trusts_clients.c_str(),
                                                         nullptr) == 1;
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  if (!setup.client_cert.empty()) {
    setup_ok =
        setup_ok &&
        SSL_CTX_use_certificate_file(cctx, setup.client_cert.c_str(), SSL_FILETYPE_PEM) == 1 &&
        SSL_CTX_use_PrivateKey_file(cctx, setup.client_key.c_str(), SSL_FILETYPE_PEM) == 1;
  }
  SSL* server = SSL_new(sctx);
  SSL* client = SSL_new(cctx);
  if (!setup.verify_host.empty()) {
    unsigned char ip[16];
    if (inet_pton(AF_INET, setup.verify_host.c_str(), ip) == 1) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client), setup.verify_host.c_str());
    } else {
      SSL_set1_host(client, setup.verify_host.c_str());
      SSL_set_tlsext_host_name(client, setup.verify_host.c_str());
    }
  }
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);

  bool client_done = false;
  bool server_done = false;
  for (int round = 0; setup_ok && round < 100 && !(client_done && server_done); ++round) {
    for (auto [ssl, done] : {std::pair{client, &client_done}, std::pair{server, &server_done}}) {
      if (*done) continue;
      const int rc = SSL_do_handshake(ssl);
      if (rc == 1) {
        *done = true;
        continue;
      }
      const int err = SSL_get_error(ssl, rc);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) setup_ok = false;
    }
  }
  // TLS 1.3: the server learns of a rejected client certificate only when it reads.
  if (setup_ok && client_done && server_done) {
    const char message[] = "ping";
    char buffer[16] = {};
    int n = -1;
    if (SSL_write(client, message, 4) == 4) {
      for (int round = 0; round < 10 && n <= 0; ++round)
        n = SSL_read(server, buffer, sizeof buffer);
    }
    if (n > 0) {
      outcome.echoed.assign(buffer, static_cast<size_t>(n));
      outcome.handshake_ok = true;
      if (X509* peer = SSL_get0_peer_certificate(server)) {
        char cn[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
        outcome.client_cn = cn;
      }
    }
  }
  if (!outcome.handshake_ok) {
    const unsigned long e = ERR_peek_error();
    char buf[256] = {};
    ERR_error_string_n(e, buf, sizeof buf);
    outcome.error = buf;
    ERR_clear_error();
  }
  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  return outcome;
}

}  // namespace cradle::pki::testing
