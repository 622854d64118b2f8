#!/bin/sh
# Runs one benchmark process (a responder, charon or gdoi-ks) in its own network and mount
# namespace, pinned to one core:
#   usage: netns-run.sh RUNDIR CPU COMMAND [ARGS...]
# The private network namespace has only a loopback interface (brought up here), so the
# responder can own UDP 500 without clashing with anything on the host (other tests bind
# 0.0.0.0:500 and :848 too), and whatever charon's kernel-netlink plugin writes (ip rules,
# xfrm sysctls, socket policies) stays inside it. The load generator joins the same network
# namespace with `nsenter --net=/proc/PID/ns/net`. RUNDIR, unless "-", is bind-mounted over
# /run (charon's pid file /run/charon.pid is compiled in). Every step ends in exec, so this
# script's PID is the responder's PID from start to end.
set -eu
if [ "${VS_CHARON_NS:-}" != "1" ]; then
  VS_CHARON_NS=1 exec unshare --net --mount --propagation private "$0" "$@"
fi
RUNDIR=$1
CPU=$2
shift 2
ip link set lo up
if [ "$RUNDIR" != "-" ]; then
  mount --bind "$RUNDIR" /run
fi
exec taskset -c "$CPU" "$@"
