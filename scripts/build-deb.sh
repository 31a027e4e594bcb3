#!/bin/sh
# Builds out/vifibnet_<version>_<arch>.deb with dpkg-deb, for hosts with the .NET SDK (pwsh not
# needed; `build.ps1 -Task Deb` calls this): /usr/bin/vifibnet compiled natively (Native AOT: no .NET on
# the target; clang and zlib1g-dev to build, scripts/install-deps.sh), the systemd units, example configuration in /etc/vifibnet, logrotate, bash completion,
# man page. The version is VERSION's, as the module's. Prints the package's path last.
set -eu
cd "$(dirname "$0")/.."
# VERSION is the program's and the module's version; -1 is the Debian revision of its packaging.
version=$(cat VERSION)-1
arch=$(dpkg --print-architecture)
case $arch in
	amd64) rid=linux-x64 ;;
	arm64) rid=linux-arm64 ;;
	*) echo "build-deb: no .NET runtime identifier for $arch" >&2; exit 1 ;;
esac
work=out/deb
root=$work/root
deb=out/vifibnet_${version}_${arch}.deb
rm -rf "$work" out/vifibnet_*.deb
mkdir -p "$root/DEBIAN"

# The SDK links with clang, or gcc when there is no clang.
command -v clang >/dev/null || command -v gcc >/dev/null || { echo "build-deb: Native AOT links the program with clang: apt-get install clang zlib1g-dev (scripts/install-deps.sh does)" >&2; exit 1; }
# Native AOT, self-contained: the settings live in src/Vifibnet.Cli/Vifibnet.Cli.csproj.
dotnet publish src/Vifibnet.Cli -c Release -r "$rid" -o "$work/publish" -nologo -v quiet
# SQLite's native library is not inside the program: it sits beside it, and the program finds its own
# directory through the /usr/bin symlink (the runtime resolves its real path).
install -D -m 0755 "$work/publish/vifibnet" "$root/usr/lib/vifibnet/vifibnet"
install -D -m 0644 "$work/publish/libe_sqlite3.so" "$root/usr/lib/vifibnet/libe_sqlite3.so"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/lib/vifibnet/libe_sqlite3.so"
mkdir -p "$root/usr/bin"
ln -s ../lib/vifibnet/vifibnet "$root/usr/bin/vifibnet"

install -D -m 0644 packaging/systemd/vifibnet-registry.service "$root/lib/systemd/system/vifibnet-registry.service"
install -D -m 0644 packaging/systemd/vifibnet-node@.service "$root/lib/systemd/system/vifibnet-node@.service"
install -D -m 0644 packaging/etc/registry.conf "$root/etc/vifibnet/registry.conf"
install -D -m 0644 packaging/etc/node.conf "$root/etc/vifibnet/node.conf"
install -D -m 0644 packaging/etc/logrotate "$root/etc/logrotate.d/vifibnet"
mkdir -p "$root/usr/share/bash-completion/completions"
"$root/usr/lib/vifibnet/vifibnet" completion bash > "$root/usr/share/bash-completion/completions/vifibnet"
chmod 0644 "$root/usr/share/bash-completion/completions/vifibnet"
doc=$root/usr/share/doc/vifibnet
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
mkdir -p "$root/usr/share/man/man1"
sed "s/@VERSION@/$version/" packaging/debian/changelog | gzip -9n > "$doc/changelog.Debian.gz"
gzip -9n < packaging/debian/vifibnet.1 > "$root/usr/share/man/man1/vifibnet.1.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/vifibnet"
chmod 0644 "$doc/changelog.Debian.gz" "$root/usr/share/man/man1/vifibnet.1.gz"

for script in postinst prerm postrm; do
	install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: vifibnet
Version: $version
Architecture: $arch
Maintainer: Vifibnet maintainers <maintainers@users.noreply.r-seed-e25eea6e.example>
Installed-Size: $size
Depends: openvpn, babeld, iproute2, iputils-ping, util-linux (>= 2.33), libc6 (>= 2.34), libssl3 | libssl3t64
Recommends: miniupnpd
Section: net
Priority: optional
Description: resilient IPv6 overlay network (registry and node daemon)
 A registry hands each node a prefix inside an X.509 certificate, and every
 node keeps OpenVPN tap tunnels to random peers with babeld routing over
 them, so that any two nodes reach each other whenever some path of tunnels
 exists. This package ships the vifibnet program (compiled natively: no .NET
 needed), systemd units for a registry and for nodes, and example
 configuration in /etc/vifibnet.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $(du -h "$deb" | cut -f1) package, /usr/lib/vifibnet/vifibnet $(du -h "$root/usr/lib/vifibnet/vifibnet" | cut -f1)"
echo "$deb"
