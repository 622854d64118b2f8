#!/usr/bin/env bash
# Installs strongSwan's "standard" plugin package (openssl plugin: ECP groups such as ecp256,
# AES-GCM) when it is missing. The base strongswan-charon package only brings gmp, i.e. MODP
# groups. Needs root (as on CI).
set -euo pipefail
for d in /usr/lib/ipsec/plugins /usr/libexec/ipsec/plugins; do
  [ -f "$d/libstrongswan-openssl.so" ] && exit 0
done
echo "charon/ensure-plugins: installing libstrongswan-standard-plugins" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends libstrongswan-standard-plugins >/dev/null 2>&1 || {
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends libstrongswan-standard-plugins >/dev/null
}
