#!/usr/bin/env bash
# Makes the same certificates as the server's built-in dev CA (server/pki/certs.h), with the
# openssl CLI, for deployments that prefer to run their own commands:
#
#   mkcerts.sh ca DIR                 DIR/ca.crt, DIR/ca.key           (self-signed CA, 10 years)
#   mkcerts.sh server DIR HOST...     DIR/server.crt, DIR/server.key   (signed by DIR/ca.*, 825 days)
#   mkcerts.sh device DIR DEVICE_ID [OUT_DIR]
#                                     OUT_DIR/DEVICE_ID.crt/.key (OUT_DIR defaults to DIR/devices;
#                                     client cert, 825 days)
#
# Keys are EC P-256, private keys mode 0600 (umask 077), certificates 0644. An existing key
# is never overwritten: delete it on purpose first.
set -euo pipefail
umask 077

die() { echo "mkcerts.sh: $*" >&2; exit 2; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

command -v openssl >/dev/null || die "openssl not found"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Random positive 128-bit serial, as the C++ code uses.
serial() { echo "0x$(openssl rand -hex 16)"; }

refuse_existing() {
  for f in "$@"; do [[ ! -e "$f" ]] || die "$f exists; refusing to overwrite"; done
}

# One openssl config for all three kinds; SAN is filled in for server certs.
write_config() {  # FILE SAN
  cat >"$1" <<CNF
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = ${2:-DNS:localhost}
[device_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
}

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Signs a fresh key's CSR with the CA in CA_DIR.  ARGS: CA_DIR KEY CRT CN EXT SAN
issue() {
  local ca_dir=$1 key=$2 crt=$3 cn=$4 ext=$5 san=${6:-}
  [[ -r "$ca_dir/ca.crt" && -r "$ca_dir/ca.key" ]] || die "no CA in $ca_dir (run: $0 ca $ca_dir)"
  refuse_existing "$key"
  write_config "$TMP/openssl.cnf" "$san"
  new_key "$key"
  openssl req -new -key "$key" -subj "/O=cradle/CN=$cn" -config "$TMP/openssl.cnf" -out "$TMP/req.csr"
  openssl x509 -req -in "$TMP/req.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
    -set_serial "$(serial)" -days 825 -sha256 -extfile "$TMP/openssl.cnf" -extensions "$ext" \
    -out "$crt" 2>/dev/null
  chmod 644 "$crt"
}

cmd_ca() {
  [[ $# -eq 1 ]] || usage
  local dir=$1
  mkdir -p "$dir"
  refuse_existing "$dir/ca.key"
  write_config "$TMP/openssl.cnf" ""
  new_key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -subj "/O=cradle/CN=cradle development CA" \
    -config "$TMP/openssl.cnf" -extensions ca_ext -set_serial "$(serial)" -days 3650 -sha256 \
    -out "$dir/ca.crt"
  chmod 644 "$dir/ca.crt"
  echo "$dir/ca.crt"
}

cmd_server() {
  [[ $# -ge 2 ]] || usage
  local dir=$1 san="" host
  shift
  for host in "$@"; do
    if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then
      san+="${san:+,}IP:$host"
    elif [[ $host =~ ^[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?$ ]]; then
      san+="${san:+,}DNS:$host"
    else
      die "not a host name or IP address: '$host'"
    fi
  done
  issue "$dir" "$dir/server.key" "$dir/server.crt" "$1" server_ext "$san"
  echo "$dir/server.crt"
}

cmd_device() {
  [[ $# -eq 2 || $# -eq 3 ]] || usage
  local dir=$1 id=$2 out=${3:-$1/devices}
  [[ $id =~ ^[A-Za-z0-9._-]{1,64}$ && $id != "." && $id != ".." ]] ||
    die "device id must be 1-64 characters of A-Z a-z 0-9 . _ -, got '$id'"
  mkdir -p "$out"
  issue "$dir" "$out/$id.key" "$out/$id.crt" "$id" device_ext
  echo "$out/$id.crt"
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
  ca) cmd_ca "$@" ;;
  server) cmd_server "$@" ;;
  device) cmd_device "$@" ;;
  *) usage ;;
esac
