// Event ids: random (version 4) UUIDs from OpenSSL's CSPRNG, made on the device so a scan keeps
// one identity however many times it is sent.
//
// Thread safety: safe from any thread (OpenSSL's RNG is).
#pragma once

#include <string>

namespace cradle::scan {

// "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" in lower case, N one of 8 9 a b. Aborts only if the
// system RNG is broken, since an id that might repeat would merge two scans.
std::string NewUuidV4();

}  // namespace cradle::scan
