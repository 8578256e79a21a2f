#!/usr/bin/env bash
# Registry mirrors and private CAs for a Drover node's containerd, as k3s's registries.yaml gives them:
# containerd 1.6's CRI reads one hosts.toml per registry host from its registry `config_path` (config.toml.template
# points it at CONTAINERD_DIR/certs.d) at every pull, so a change here needs no containerd restart.
#
#   registries.sh check  [OPTIONS]          validates only (install.sh runs it before changing anything)
#   registries.sh render CERTS_DIR [OPTIONS] writes CERTS_DIR/<host>/hosts.toml (and ca.crt) for exactly these
#                                            options; prints "changed" or "unchanged"
# OPTIONS (each repeatable, at most 32 of each):
#   --registry-mirror REGISTRY=URL[,URL...]  pull REGISTRY's images (e.g. docker.io, registry.example:5000) from
#                                            these mirrors first, in order, then from REGISTRY itself
#   --registry-ca HOST=FILE                  trust the PEM CA certificate(s) in FILE for TLS to HOST (a registry
#                                            or a mirror's host:port); HOST is then spoken to over https
# A registry on 127.0.0.1/localhost without either is spoken to over plain http (containerd's default).
set -euo pipefail

PROG=registries.sh
die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 2; }
MAX_ENTRIES=32
MAX_MIRRORS=8
MAX_CA_BYTES=1048576

# host[:port]: a DNS name or IPv4 address in lower case, optional port 1-65535.
HOST_RE='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:([0-9]{1,5}))?$'
valid_host() {
  local option=$1 host=$2
  [[ "$host" =~ $HOST_RE ]] && ((${#host} <= 253)) || die "$option: '$host' is not a registry host (host or host:port, lower case)"
  local port=${BASH_REMATCH[6]:-}
  [ -z "$port" ] || { ((10#$port >= 1 && 10#$port <= 65535)) || die "$option: port of '$host' must be 1-65535"; }
}

declare -A MIRRORS=() CAS=()
MIRROR_ORDER=() CA_ORDER=()
parse() {
  local option value key rest url form count=0
  while [ $# -gt 0 ]; do
    option=$1
    case "$option" in
      --registry-mirror|--registry-ca) ;;
      *) die "unknown option '$option' (--registry-mirror REGISTRY=URL or --registry-ca HOST=FILE)" ;;
    esac
    [ $# -ge 2 ] && [ -n "$2" ] || die "$option needs a value"
    value=$2
    shift 2
    count=$((count + 1))
    ((count <= 2 * MAX_ENTRIES)) || die "at most $MAX_ENTRIES --registry-mirror and $MAX_ENTRIES --registry-ca options"
    if [ "$option" = --registry-mirror ]; then form=REGISTRY=URL; else form=HOST=FILE; fi
    [[ "$value" == *=* ]] || die "$option must look like $form, got '$value'"
    key=${value%%=*} rest=${value#*=}
    [ -n "$rest" ] || die "$option '$value' has nothing after '='"
    valid_host "$option" "$key"
    if [ "$option" = --registry-mirror ]; then
      [ -z "${MIRRORS[$key]+x}" ] || die "$option: registry '$key' given twice"
      IFS=, read -ra urls <<<"$rest"
      ((${#urls[@]} >= 1 && ${#urls[@]} <= MAX_MIRRORS)) || die "$option: 1 to $MAX_MIRRORS mirror URLs per registry, got '$rest'"
      for url in "${urls[@]}"; do
        [[ "$url" =~ ^https?://([^/]+)(/[A-Za-z0-9._~/-]*)?$ ]] || die "$option: '$url' is not a mirror URL (http(s)://HOST[:PORT][/PATH])"
        valid_host "$option" "${BASH_REMATCH[1]}"
      done
      MIRRORS[$key]=$rest
      MIRROR_ORDER+=("$key")
    else
      [ -z "${CAS[$key]+x}" ] || die "$option: host '$key' given twice"
      [ -f "$rest" ] && [ -r "$rest" ] || die "$option: cannot read '$rest'"
      (($(stat -c %s "$rest") <= MAX_CA_BYTES)) || die "$option: '$rest' is larger than 1 MiB"
      grep -q -- '-----BEGIN CERTIFICATE-----' "$rest" || die "$option: '$rest' holds no PEM certificate"
      if command -v openssl >/dev/null; then
        openssl x509 -noout -in "$rest" 2>/dev/null || die "$option: '$rest' is not a valid PEM certificate"
      fi
      CAS[$key]=$rest
      CA_ORDER+=("$key")
    fi
  done
}

# The upstream a registry name stands for (Docker Hub's API host for docker.io), over https unless it is a
# loopback registry without a CA (containerd's own default for those).
server_url() {
  local host=$1
  if [ "$host" = docker.io ]; then echo "https://registry-1.docker.io"; return; fi
  case "${host%%:*}" in
    localhost|127.0.0.1) [ -n "${CAS[$host]+x}" ] && echo "https://$host" || echo "http://$host" ;;
    *) echo "https://$host" ;;
  esac
}

# hosts.toml of one registry host, with CA paths under FINAL (the directory the files end up in).
hosts_toml() {
  local host=$1 final=$2 url mirror_host
  printf '# Written by drover (packaging/containerd/registries.sh); install.sh rewrites it.\n'
  printf 'server = "%s"\n' "$(server_url "$host")"
  [ -z "${CAS[$host]+x}" ] || printf 'ca = "%s/%s/ca.crt"\n' "$final" "$host"
  # containerd 1.6 reads a hosts.toml without any [host] table as broken (it falls back to plain defaults, http for
  # a loopback registry), so a registry without mirrors lists itself as its one host.
  local mirrors=${MIRRORS[$host]:-$(server_url "$host")}
  IFS=, read -ra urls <<<"$mirrors"
  for url in "${urls[@]}"; do
    mirror_host=${url#*://}; mirror_host=${mirror_host%%/*}
    printf '\n[host."%s"]\n  capabilities = ["pull", "resolve"]\n' "$url"
    [ -z "${CAS[$mirror_host]+x}" ] || printf '  ca = "%s/%s/ca.crt"\n' "$final" "$mirror_host"
  done
}

cmd_render() {
  local dir=$1 tmp host
  dir=${dir%/}
  mkdir -p "$(dirname "$dir")"
  tmp=$(mktemp -d "$dir.new.XXXXXX")
  for host in "${MIRROR_ORDER[@]}" "${CA_ORDER[@]}"; do
    [ -d "$tmp/$host" ] && continue
    mkdir -m 755 "$tmp/$host"
    hosts_toml "$host" "$dir" >"$tmp/$host/hosts.toml"
    [ -z "${CAS[$host]+x}" ] || install -m 644 "${CAS[$host]}" "$tmp/$host/ca.crt"
  done
  chmod 755 "$tmp"
  if [ -d "$dir" ] && diff -r "$dir" "$tmp" >/dev/null 2>&1; then
    rm -rf "$tmp"
    echo unchanged
    return
  fi
  # Swap whole: a pull never sees half a configuration.
  if [ -d "$dir" ]; then mv "$dir" "$tmp.old"; fi
  mv "$tmp" "$dir"
  rm -rf "$tmp.old"
  echo changed
}

CMD=${1:-}
case "$CMD" in
  check) shift; parse "$@" ;;
  render) [ $# -ge 2 ] || die "usage: registries.sh render CERTS_DIR [OPTIONS]"; DIR=$2; shift 2; parse "$@"; cmd_render "$DIR" ;;
  *) die "usage: registries.sh check [OPTIONS] | render CERTS_DIR [OPTIONS]" ;;
esac
