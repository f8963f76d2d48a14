#include "server/pki/certs.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "server/pki/secrets.h"

namespace cradle::pki {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long kCaDays = 3650;
constexpr long kLeafDays = 825;
// Backdate notBefore a little so a peer whose clock is slightly behind accepts a fresh cert.
constexpr long kBackdateSeconds = 300;

// The OpenSSL error queue as one line (and cleared), for a Status message.
std::string OpensslError(const std::string& what) {
  std::string out = what;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += out == what ? ": " : "; ";
    out += buf;
  }
  return out;
}

Status CryptoError(const std::string& what) { return Status("CRYPTO_ERROR", OpensslError(what)); }

Status MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return Status();
  return Status("IO_ERROR", "cannot create directory " + dir + ": " + std::strerror(errno));
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<PkeyPtr> NewP256Key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return CryptoError("cannot generate an EC P-256 key");
  return key;
}

Result<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return CryptoError("cannot encode private key");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(len));
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pem;
}

Result<std::string> CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    return CryptoError("cannot encode certificate");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<X509Ptr> ParseCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return Status("MALFORMED", OpensslError("not a PEM certificate"));
  return cert;
}

Status SetRandomSerial(X509* cert) {
  BnPtr bn(BN_new());
  if (!bn || BN_rand(bn.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr)
    return CryptoError("cannot make a serial number");
  return Status();
}

Status SetSubjectCn(X509* cert, const std::string& cn, const std::string& org) {
  X509_NAME* name = X509_get_subject_name(cert);
  const auto* o = reinterpret_cast<const unsigned char*>(org.c_str());
  const auto* c = reinterpret_cast<const unsigned char*>(cn.c_str());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, o, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, c, -1, -1, 0) != 1)
    return CryptoError("cannot set subject name");
  return Status();
}

// A certificate skeleton: v3, random serial, validity, subject, public key.
Result<X509Ptr> NewCert(EVP_PKEY* key, const std::string& cn, long days) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return CryptoError("cannot make certificate");
  if (Status s = SetRandomSerial(cert.get()); !s.ok()) return s;
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(days), 0, nullptr))
    return CryptoError("cannot set validity");
  if (Status s = SetSubjectCn(cert.get(), cn, "cradle"); !s.ok()) return s;
  if (X509_set_pubkey(cert.get(), key) != 1) return CryptoError("cannot set public key");
  return cert;
}

// Adds extensions written in openssl.cnf syntax; issuer may equal cert (self-signed).
Status AddExtensions(X509* cert, X509* issuer,
                     const std::vector<std::pair<int, std::string>>& extensions) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
      return CryptoError("cannot add extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  }
  return Status();
}

Status SignCert(X509* cert, X509* issuer, EVP_PKEY* issuer_key) {
  if (X509_set_issuer_name(cert, X509_get_subject_name(issuer)) != 1 ||
      X509_sign(cert, issuer_key, EVP_sha256()) <= 0)
    return CryptoError("cannot sign certificate");
  return Status();
}

// Writes key (0600, exclusive) and then cert, so a refused key leaves no stray certificate.
Status WriteKeyAndCert(EVP_PKEY* key, X509* cert, const std::string& key_path,
                       const std::string& cert_path) {
  Result<std::string> key_pem = KeyToPem(key);
  if (!key_pem) return key_pem.status();
  Result<std::string> cert_pem = CertToPem(cert);
  if (!cert_pem) return cert_pem.status();
  Status status = WriteSecretFile(key_path, *key_pem);
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!status.ok()) return status;
  return WritePublicFile(cert_path, *cert_pem);
}

struct Ca {
  X509Ptr cert;
  PkeyPtr key;
};

Result<Ca> LoadCa(const std::string& ca_dir) {
  Result<std::string> cert_pem = ReadFileToString(ca_dir + "/ca.crt");
  if (!cert_pem) return cert_pem.status();
  Result<X509Ptr> cert = ParseCert(*cert_pem);
  if (!cert) return Status("MALFORMED", ca_dir + "/ca.crt: " + cert.status().message());
  Result<std::string> key_pem = ReadFileToString(ca_dir + "/ca.key");
  if (!key_pem) return key_pem.status();
  BioPtr bio(BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!key) return Status("MALFORMED", OpensslError(ca_dir + "/ca.key is not a PEM private key"));
  if (X509_check_private_key(cert->get(), key.get()) != 1)
    return Status("MALFORMED", OpensslError(ca_dir + "/ca.key does not match ca.crt"));
  return Ca{std::move(*cert), std::move(key)};
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool IsDnsName(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '*';
    if (!ok) return false;
  }
  return true;
}

// "DNS:localhost,IP:127.0.0.1" for the subjectAltName extension.
Result<std::string> SubjectAltNames(const std::vector<std::string>& hosts) {
  if (hosts.empty()) return Status("INVALID_ARGUMENT", "a server certificate needs a host name");
  std::string san;
  for (const std::string& host : hosts) {
    if (!san.empty()) san += ",";
    if (IsIpLiteral(host)) {
      san += "IP:" + host;
    } else if (IsDnsName(host)) {
      san += "DNS:" + host;
    } else {
      return Status("INVALID_ARGUMENT", "not a host name or IP address: '" + host + "'");
    }
  }
  return san;
}

// Issues a leaf certificate signed by the CA in ca_dir and writes it with its new key.
Status IssueLeaf(const std::string& ca_dir, const std::string& cn,
                 const std::vector<std::pair<int, std::string>>& extensions,
                 const std::string& out_cert, const std::string& out_key) {
  Result<Ca> ca = LoadCa(ca_dir);
  if (!ca) return ca.status();
  Result<PkeyPtr> key = NewP256Key();
  if (!key) return key.status();
  Result<X509Ptr> cert = NewCert(key->get(), cn, kLeafDays);
  if (!cert) return cert.status();
  if (Status s = AddExtensions(cert->get(), ca->cert.get(), extensions); !s.ok()) return s;
  if (Status s = SignCert(cert->get(), ca->cert.get(), ca->key.get()); !s.ok()) return s;
  return WriteKeyAndCert(key->get(), cert->get(), out_key, out_cert);
}

}  // namespace

Status CreateDevCa(const std::string& dir) {
  if (Status s = MakeDir(dir); !s.ok()) return s;
  Result<PkeyPtr> key = NewP256Key();
  if (!key) return key.status();
  Result<X509Ptr> cert = NewCert(key->get(), "cradle development CA", kCaDays);
  if (!cert) return cert.status();
  X509* c = cert->get();
  Status s = AddExtensions(c, c,
                           {{NID_basic_constraints, "critical,CA:TRUE"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"}});
  if (!s.ok()) return s;
  if (s = SignCert(c, c, key->get()); !s.ok()) return s;
  return WriteKeyAndCert(key->get(), c, dir + "/ca.key", dir + "/ca.crt");
}

Status IssueServerCert(const std::string& ca_dir, const std::string& out_cert,
                       const std::string& out_key, const std::vector<std::string>& hosts) {
  Result<std::string> san = SubjectAltNames(hosts);
  if (!san) return san.status();
  return IssueLeaf(ca_dir, hosts.front(),
                   {{NID_basic_constraints, "critical,CA:FALSE"},
                    {NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "serverAuth"},
                    {NID_subject_key_identifier, "hash"},
                    {NID_authority_key_identifier, "keyid:always"},
                    {NID_subject_alt_name, *san}},
                   out_cert, out_key);
}

bool IsValidDeviceId(std::string_view device_id) {
  if (device_id.empty() || device_id.size() > 64 || device_id == "." || device_id == "..")
    return false;
  for (char c : device_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status IssueDeviceCert(const std::string& ca_dir, const std::string& device_id,
                       const std::string& out_dir) {
  if (!IsValidDeviceId(device_id))
    return Status(
        "INVALID_ARGUMENT",
        "device id must be 1-64 characters of A-Z a-z 0-9 . _ -, got '" + device_id + "'");
  if (Status s = MakeDir(out_dir); !s.ok()) return s;
  const std::string base = out_dir + "/" + device_id;
  return IssueLeaf(ca_dir, device_id,
                   {{NID_basic_constraints, "critical,CA:FALSE"},
                    {NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "clientAuth"},
                    {NID_subject_key_identifier, "hash"},
                    {NID_authority_key_identifier, "keyid:always"}},
                   base + ".crt", base + ".key");
}

Result<std::string> SubjectCn(const std::string& pem) {
  Result<X509Ptr> cert = ParseCert(pem);
  if (!cert) return cert.status();
  X509_NAME* name = X509_get_subject_name(cert->get());
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return Status("MALFORMED", "certificate has no subject CN");
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return Status("MALFORMED", OpensslError("certificate CN is not text"));
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return cn;
}

Status EnsureDevCerts(const std::string& certs_dir) {
  if (!FileExists(certs_dir + "/ca.crt")) {
    if (Status s = CreateDevCa(certs_dir); !s.ok()) return s;
  }
  if (FileExists(certs_dir + "/server.crt") || !FileExists(certs_dir + "/ca.key")) return Status();
  return IssueServerCert(certs_dir, certs_dir + "/server.crt", certs_dir + "/server.key");
}

}  // namespace cradle::pki
