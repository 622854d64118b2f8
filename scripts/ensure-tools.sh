#!/usr/bin/env bash
# Installs the system tools the test suite drives as real peers (tshark, strongSwan's
# charon, swanctl and its openssl plugin), non-interactively, when they are missing.
# Needs root (as on CI).
set -euo pipefail
need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
[ -x /usr/lib/ipsec/charon ] || [ -x /usr/libexec/ipsec/charon ] || need+=(strongswan-charon)
command -v swanctl >/dev/null 2>&1 || need+=(strongswan-swanctl)
# charon's openssl plugin: ECP groups 19-21 (the base package has only gmp, i.e. MODP groups).
[ -f /usr/lib/ipsec/plugins/libstrongswan-openssl.so ] || [ -f /usr/libexec/ipsec/plugins/libstrongswan-openssl.so ] || need+=(libstrongswan-standard-plugins)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# Helpers the tests and the vs-charon smoke run call: namespaces/addresses, certificates, pgrep.
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v pgrep >/dev/null 2>&1 || need+=(procps)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-tools: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
