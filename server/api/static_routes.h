// The web pages: `GET /` redirects to `/web/`, and `GET /web/...` serves the files under a
// web root directory (plain ES modules, CSS, the vendored QR decoder and its wasm). Only an
// allow-list of top-level entries is served (index.html, app.css, favicon.svg,
// manifest.webmanifest, sw.js, js/, icons/, vendor/): the source tree's package.json, tests/,
// tools/ and node_modules/ share the folder and are never served.
//
// Safety: a request path is served only when every segment is an ordinary name (no "..", ".",
// empty segment, NUL, '/' or '\' after percent-decoding) and the file's real path, symlinks
// resolved, lies inside the real path of the root. Anything else is a plain 404, so probing
// tells an attacker nothing about the file system.
//
// Ownership: the handlers copy `web_root`; files are read per request (they are small), so
// an edited page shows on the next reload without a restart.
// Thread safety: handlers hold no mutable state and may run concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/http/message.h"
#include "server/http/router.h"

namespace cradle::api {

// How many path segments below /web/ the routes cover (the router matches one segment per
// parameter, so each depth is its own template).
inline constexpr int kStaticMaxDepth = 4;

void StaticRoutes(http::Router& router, const std::string& web_root);

// The web root used when the `web-root` setting is empty: the source tree's web/ folder
// (CRADLE_WEB_ROOT, set by CMake), so a developer's build serves the pages being edited.
std::string DefaultWebRoot();

// The templates StaticRoutes registers, in registration order (for docs and tests).
std::vector<std::string> StaticRouteTemplates();

// Content-Type for a file name by its extension; application/octet-stream when unknown.
std::string StaticContentType(std::string_view file_name);

// Cache-Control for a path relative to the root: long-lived for vendor/ and content-hashed
// names (name.0123abcd.js), "no-cache" for everything else (html always revalidates).
std::string StaticCacheControl(std::string_view relative_path);

// Serves `segments` (percent-decoded path segments below /web/; a trailing "" asks for the
// directory's index.html) from `web_root`: 200 with the file, 302 to add a directory's
// trailing slash, or 404.
http::Response ServeStatic(const std::string& web_root, const std::vector<std::string>& segments,
                           const std::string& request_path);

}  // namespace cradle::api
