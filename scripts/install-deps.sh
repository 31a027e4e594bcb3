#!/usr/bin/env bash
# Installs the Debian packages Vifibnet's tests and demo drive for real (run as root; idempotent).
# binutils (strip), systemd (systemd-analyze) and logrotate (its check) are for scripts/build-deb.sh and DebPackageTests;
# clang and zlib1g-dev are what Native AOT links the published `vifibnet` with (build-deb.sh, build.ps1 -Task Package).
set -euo pipefail
packages=(openvpn babeld python3-aiosmtpd miniupnpd miniupnpd-nftables nftables iptables iproute2 iputils-ping openssl procps binutils systemd logrotate clang zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
