// The deployment's certificates: a development CA, the server's TLS certificate and scanners'
// client certificates, made with OpenSSL 3's C API (no shelling out).
//
// Layout of a CA directory: `ca.crt` (PEM, public) and `ca.key` (PEM PKCS#8, mode 0600).
// All keys are EC P-256; certificates are signed with ECDSA-SHA256 and carry random 128-bit
// serials. Private keys are created 0600 with O_EXCL: an existing key is never overwritten
// (ALREADY_EXISTS), so re-issuing means deleting the old key on purpose first.
//
// Thread safety: free functions, safe from any thread; callers must not issue into the same
// output paths concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cradle::pki {

// Creates dir (0700 if missing) with a self-signed CA: basicConstraints CA:TRUE critical,
// keyUsage keyCertSign+cRLSign critical, valid 10 years.
Status CreateDevCa(const std::string& dir);

// Issues a server certificate from the CA in ca_dir: subject CN = hosts[0], one SAN entry per
// host (IP literals as IP, everything else as DNS), EKU serverAuth, valid 825 days.
// INVALID_ARGUMENT for an empty or malformed host list.
Status IssueServerCert(const std::string& ca_dir, const std::string& out_cert,
                       const std::string& out_key,
                       const std::vector<std::string>& hosts = {"localhost", "127.0.0.1"});

// Issues a scanner's client certificate: out_dir/<device_id>.crt and .key (out_dir created
// 0700 if missing), subject CN = device_id, EKU clientAuth, valid 825 days.
// INVALID_ARGUMENT unless device_id is 1-64 of [A-Za-z0-9._-].
Status IssueDeviceCert(const std::string& ca_dir, const std::string& device_id,
                       const std::string& out_dir);

// True for 1-64 characters of [A-Za-z0-9._-] and not "." or ".." (it becomes a file name).
bool IsValidDeviceId(std::string_view device_id);

// The subject common name of a PEM certificate. MALFORMED if it does not parse or has no CN.
Result<std::string> SubjectCn(const std::string& pem);

// First-start helper for `<data>/certs`: makes the dev CA and a localhost server certificate
// (`server.crt`/`server.key`) unless `ca.crt` already exists. OK when there is nothing to do.
Status EnsureDevCerts(const std::string& certs_dir);

}  // namespace cradle::pki
