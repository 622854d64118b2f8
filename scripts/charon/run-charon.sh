#!/bin/sh
# Runs Debian's strongSwan charon as a test peer, isolated from the host's own IPsec setup.
#   usage: run-charon.sh WORKDIR [CPU]
# WORKDIR holds strongswan.conf, an empty run/ directory and a file xfrm_acq_expires.
# The script re-executes itself inside a private mount namespace (unshare -m, private
# propagation), then bind-mounts:
#   WORKDIR/run              over /run   (charon's pid file /run/charon.pid is compiled in;
#                                         a private /run lets several charons coexist)
#   WORKDIR/xfrm_acq_expires over /proc/sys/net/core/xfrm_acq_expires (kernel-netlink writes
#                                         this global sysctl at start-up; the write lands in
#                                         our private file instead of the host's)
# and finally execs charon (optionally pinned with taskset), so the PID of this script
# is charon's PID from start to end.
set -eu
W=$1
CPU=${2:-}
if [ "${CHARON_HARNESS_NS:-}" != "1" ]; then
  CHARON_HARNESS_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
mount --bind "$W/run" /run
# Not fatal: strongswan.conf also sets xfrm_acq_expires to the host's current value.
mount --bind "$W/xfrm_acq_expires" /proc/sys/net/core/xfrm_acq_expires 2>/dev/null || true
CHARON=/usr/lib/ipsec/charon
[ -x "$CHARON" ] || CHARON=/usr/libexec/ipsec/charon
export STRONGSWAN_CONF="$W/strongswan.conf"
if [ -n "$CPU" ]; then
  exec taskset -c "$CPU" "$CHARON"
fi
exec "$CHARON"
