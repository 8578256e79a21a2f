#!/usr/bin/env bash
# Builds Drover's OCI image archives from Debian packages only (busybox-static + umoci), no registry:
#   pause.tar   drover.local/pause:3.9                     sandbox image (reaps zombies, exits 0 on SIGTERM)
#   my-app.tar  docker.io/library/my-app:v1.0 and :v2.0    sample app (busybox httpd + CGI on :3000)
#   hello.tar   drover.local/hello:v1                      the same app, tagged for the examples
# and OUTDIR/images.list ("ARCHIVE BASE-NAME" per line) that importers read:
#   ctr -a SOCK -n k8s.io images import --base-name BASE-NAME OUTDIR/ARCHIVE
#
# Usage: packaging/images/build.sh OUTDIR [--force]
# Idempotent: does nothing when every output is newer than every input.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build.sh OUTDIR [--force]}
FORCE=${2:-}
BUSYBOX=${BUSYBOX:-/bin/busybox}
# Fixed timestamps keep the digests stable across builds of the same inputs.
EPOCH=1970-01-01T00:00:00Z

die() { printf 'images/build.sh: %s\n' "$*" >&2; exit 1; }
for tool in umoci tar "$BUSYBOX"; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: umoci, busybox-static; ./build.sh deps installs them)"
done
# The images run on any host only if busybox is static.
if command -v file >/dev/null && ! file -L "$BUSYBOX" | grep -q 'statically linked'; then
  die "$BUSYBOX is not statically linked (install busybox-static)"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
OUTPUTS=("$OUT/pause.tar" "$OUT/my-app.tar" "$OUT/hello.tar" "$OUT/images.list")

up_to_date() {
  local o newest_output_is_older
  for o in "${OUTPUTS[@]}"; do [ -f "$o" ] || return 1; done
  # Oldest output must be newer than every input.
  local oldest
  oldest=$(ls -tr "${OUTPUTS[@]}" | head -n1)
  newest_output_is_older=$(find "$HERE" "$BUSYBOX" -newer "$oldest" -print -quit)
  [ -z "$newest_output_is_older" ]
}

if [ "$FORCE" != "--force" ] && up_to_date; then
  printf 'images: up to date in %s\n' "$OUT" >&2
  exit 0
fi

WORK=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A minimal root filesystem: static busybox with every applet linked in /bin.
make_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,var/run}
  chmod 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  local applet
  for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

# build_layout LAYOUT ROOTFS: one-layer image tagged "base" in OCI layout LAYOUT.
build_layout() {
  local layout=$1 rootfs=$2 bundle="$WORK/bundle.$(basename "$1")"
  find "$rootfs" -exec touch -h -d "@0" {} +
  umoci init --layout "$layout"
  umoci new --image "$layout:base"
  umoci unpack --image "$layout:base" "$bundle" >/dev/null
  cp -a "$rootfs/." "$bundle/rootfs/"
  umoci repack --image "$layout:base" --history.created "$EPOCH" \
    --history.created_by "packaging/images/build.sh" "$bundle"
  rm -rf "$bundle"
}

# finish_layout LAYOUT ARCHIVE BASE-NAME: drop the "base" tag, collect garbage, name every tag in full
# (io.containerd.image.name, as `ctr images export` writes it) so the archive imports without
# --base-name — the agent's airgap import (DATA_DIR/images/*.tar) relies on that — and tar the layout
# reproducibly.
finish_layout() {
  local layout=$1 archive=$2 base=$3
  umoci rm --image "$layout:base"
  umoci gc --layout "$layout"
  sed -i -E "s|\"org\.opencontainers\.image\.ref\.name\":\"([^\"]+)\"|\"io.containerd.image.name\":\"$base:\\1\",&|g" "$layout/index.json"
  grep -q '"io.containerd.image.name"' "$layout/index.json" || die "could not name the images in $layout/index.json"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$archive.tmp" .
  mv -f "$archive.tmp" "$archive"
}

# pause
PAUSE_ROOT="$WORK/pause-rootfs"
make_rootfs "$PAUSE_ROOT"
install -m 0755 "$HERE/pause/pause.sh" "$PAUSE_ROOT/pause"
build_layout "$WORK/pause" "$PAUSE_ROOT"
umoci config --image "$WORK/pause:base" --tag 3.9 --created "$EPOCH" --no-history \
  --config.entrypoint /pause --config.stopsignal SIGTERM
finish_layout "$WORK/pause" "$OUT/pause.tar" drover.local/pause

# sample app
APP_ROOT="$WORK/app-rootfs"
make_rootfs "$APP_ROOT"
install -m 0755 "$HERE/app/entrypoint.sh" "$APP_ROOT/entrypoint.sh"
cp -a "$HERE/app/www" "$APP_ROOT/www"
# /www/burn is a directory so that httpd redirects /burn?ms=N to /burn/?ms=N, served by index.cgi.
mkdir -p "$APP_ROOT/www/burn"
build_layout "$WORK/app" "$APP_ROOT"
app_tag() { # LAYOUT TAG VERSION
  umoci config --image "$1:base" --tag "$2" --created "$EPOCH" --no-history \
    --config.entrypoint /entrypoint.sh --config.env "APP_VERSION=$3" --config.env PORT=3000 \
    --config.exposedports 3000/tcp --config.workingdir /www --config.stopsignal SIGTERM
}
cp -a "$WORK/app" "$WORK/hello"
app_tag "$WORK/app" v1.0 v1.0
app_tag "$WORK/app" v2.0 v2.0
finish_layout "$WORK/app" "$OUT/my-app.tar" docker.io/library/my-app
app_tag "$WORK/hello" v1 hello-v1
finish_layout "$WORK/hello" "$OUT/hello.tar" drover.local/hello

cat >"$OUT/images.list.tmp" <<'EOF'
pause.tar drover.local/pause
my-app.tar docker.io/library/my-app
hello.tar drover.local/hello
EOF
mv -f "$OUT/images.list.tmp" "$OUT/images.list"
printf 'images: built %s\n' "$OUT" >&2
