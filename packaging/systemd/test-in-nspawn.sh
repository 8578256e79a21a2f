#!/usr/bin/env bash
# The install on a machine where systemd is PID 1 (issue 7): boots a Debian 12 root file system with systemd inside
# systemd-nspawn (private network: loopback only), runs the release's `install.sh server --with-agent --with-ingress`
# there from a oneshot unit, checks the units as systemd sees them (active, Type=notify agent with its watchdog,
# containerd on Drover's drop-in, the node Ready), runs the install a second time (no daemon restarted), uninstalls
# (units, files and drop-in gone, containerd back on its own configuration), writes the findings to /drover-result.txt
# and powers the container off. Prints the findings; exit 0 when every check passed.
# Pods do not run in there: on this cgroup-v1 host nspawn mounts the controller hierarchies read-only, and runc fails
# with "mkdir /sys/fs/cgroup/cpuset/drover: read-only file system" (SYSTEMD_NSPAWN_API_VFS_WRITABLE=1 does not change
# it). Pods through install.sh run in tests/Drover.Packaging.Tests/Install/InstallScriptTests.cs (--no-systemd).
#
#   packaging/systemd/test-in-nspawn.sh [RELEASE_DIR]     (default artifacts/release/drover-linux-x64)
#
# The root file system is built once with debootstrap from the Debian mirror into artifacts/systemd-rootfs (≈ 2 min,
# ≈ 400 MB) and reused; each run works on a copy. Needs root, debootstrap and systemd-container (./build.sh deps).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RELEASE=${1:-$REPO/artifacts/release/drover-linux-x64}
BASE=${DROVER_SYSTEMD_ROOTFS:-$REPO/artifacts/systemd-rootfs}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

die() { printf 'test-in-nspawn: %s\n' "$*" >&2; exit 1; }
log() { printf '==> %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || die "needs root"
for t in debootstrap systemd-nspawn; do command -v "$t" >/dev/null || die "missing: $t (Debian: debootstrap systemd-container; ./build.sh deps)"; done
[ -x "$RELEASE/install.sh" ] || die "no release in $RELEASE (./build.sh publish)"

if [ ! -f "$BASE/.complete" ]; then
  log "debootstrap bookworm into $BASE (once)"
  rm -rf "$BASE"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,iproute2,iptables,curl,ca-certificates,procps,containerd,runc,containernetworking-plugins \
    bookworm "$BASE" "$MIRROR" >"$BASE.log" 2>&1 || { tail -20 "$BASE.log" >&2; die "debootstrap failed (log $BASE.log)"; }
  touch "$BASE/.complete"
fi

WORK=$(mktemp -d /tmp/drover-nspawn.XXXXXX)
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
ROOTFS=$WORK/root
log "copying the root file system and the release"
cp -a "$BASE" "$ROOTFS"
mkdir -p "$ROOTFS/opt"
cp -a "$RELEASE" "$ROOTFS/opt/drover"
rm -f "$ROOTFS/drover-result.txt"

cat >"$ROOTFS/opt/drover-check.sh" <<'EOF'
#!/bin/bash
# Runs inside the container as a oneshot unit once the system is up.
exec >/drover-result.txt 2>&1
failures=0
check() { local what=$1; shift; if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi; }
echo "PID 1: $(cat /proc/1/comm); systemd $(systemctl --version | head -1)"
cd /opt/drover
# The container's network is loopback only: no other node to route pods to (--pod-network none); the service proxy
# and the cluster DNS run as installed by default.
./install.sh server --with-agent --with-ingress --node-ip 127.0.0.1 --node-name nspawn --pod-network none >/install-1.log 2>&1
check "install.sh server --with-agent --with-ingress exits 0" [ $? = 0 ]
tail -5 /install-1.log
for u in containerd drover-server drover-agent drover-ingress; do check "$u.service active" systemctl is-active --quiet "$u.service"; done
check "agent unit: Type=notify" [ "$(systemctl show -P Type drover-agent.service)" = notify ]
check "agent unit: watchdog set" [ "$(systemctl show -P WatchdogUSec drover-agent.service)" != 0 ]
check "agent unit: KillMode=process" [ "$(systemctl show -P KillMode drover-agent.service)" = process ]
echo "agent StatusText: $(systemctl show -P StatusText drover-agent.service)"
check "containerd runs Drover's configuration" grep -q /var/lib/drover/containerd/config.toml "/proc/$(systemctl show -P MainPID containerd.service)/cmdline"
check "node Ready" sh -c 'DROVER_CONFIG=/etc/drover/admin.config /usr/local/bin/drover get nodes --no-headers | grep -q "^nspawn *Ready "'
DROVER_CONFIG=/etc/drover/admin.config /usr/local/bin/drover get nodes -o wide
check "agent holds logind's delay lock" sh -c 'systemd-inhibit --list --no-legend | grep -q "drover-agent.*shutdown.*delay"'
systemd-inhibit --list --no-legend
check "node condition ContainerRuntimeUnit True" sh -c 'DROVER_CONFIG=/etc/drover/admin.config /usr/local/bin/drover describe node nspawn | grep -q "ContainerRuntimeUnit *True"'
pids_before=$(systemctl show -P MainPID drover-server drover-agent drover-ingress containerd | tr '\n' ' ')
./install.sh server --with-agent --with-ingress --node-ip 127.0.0.1 --node-name nspawn --pod-network none >/install-2.log 2>&1
check "second install exits 0" [ $? = 0 ]
check "second install restarts nothing" [ "$pids_before" = "$(systemctl show -P MainPID drover-server drover-agent drover-ingress containerd | tr '\n' ' ')" ]
check "systemd-analyze verify of the installed units" systemd-analyze verify /etc/systemd/system/drover-server.service /etc/systemd/system/drover-agent.service /etc/systemd/system/drover-ingress.service
./install.sh uninstall >/uninstall.log 2>&1
check "uninstall exits 0" [ $? = 0 ]
for p in /etc/drover /usr/local/lib/drover /usr/local/bin/drover /var/lib/drover /etc/systemd/system/drover-agent.service /etc/systemd/system/containerd.service.d/10-drover.conf; do
  check "uninstall removed $p" [ ! -e "$p" ]
done
check "containerd back on its own configuration" sh -c '! grep -q drover "/proc/$(systemctl show -P MainPID containerd.service)/cmdline"'
echo "RESULT: $failures failed"
systemctl poweroff
EOF
chmod 755 "$ROOTFS/opt/drover-check.sh"
cat >"$ROOTFS/etc/systemd/system/drover-check.service" <<'EOF'
[Unit]
Description=Drover install check
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/opt/drover-check.sh
TimeoutStartSec=600
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/drover-check.service "$ROOTFS/etc/systemd/system/multi-user.target.wants/drover-check.service"

log "booting systemd in systemd-nspawn (private network)"
# --register=no: no machined on a host without systemd; --keep-unit likewise.
timeout 900 systemd-nspawn -D "$ROOTFS" -b --private-network --register=no --keep-unit --capability=all \
  >"$WORK/boot.log" 2>&1 </dev/null || true
[ -f "$ROOTFS/drover-result.txt" ] || { tail -40 "$WORK/boot.log" >&2; die "the container wrote no result"; }
cat "$ROOTFS/drover-result.txt"
grep -q '^RESULT: 0 failed' "$ROOTFS/drover-result.txt"
