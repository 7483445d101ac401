#!/usr/bin/env bash
# Builds a local Node + npm base image for deploy/Dockerfile where no image registry is reachable: a minimal Debian
# bookworm root (debootstrap, from the Debian mirror apt already uses), this host's Node binary and npm from the npm
# package `npm`, imported with `docker import`. Users with a registry skip this and keep the Dockerfile's default
# BASE_IMAGE (the official node:22 slim image).
# Usage: build-base-image.sh [IMAGE]   (default robustmq-base:local; does nothing if the image exists)
set -euo pipefail

image="${1:-robustmq-base:local}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base-image: $image exists"
  exit 0
fi
for tool in debootstrap npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "base-image: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done

mirror="${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
work="$(mktemp -d /tmp/robustmq-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

echo "base-image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}
# the image needs no apt caches or docs; keep it small
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*

# Node: this host's own binary (NODE_BINARY), not an official build: official Node >= 20.12 builds abort with
# std::bad_alloc when they load rocksdb@5.2.1's prebuilt binary (Level/rocksdb#228), and compiling rocksdb from source
# instead takes far longer than this script may. The host's Node is the one the project's tests pass on.
node_bin="${NODE_BINARY:-$(command -v node)}"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "base-image: $node_bin is Node $node_major; Node 20 or later is needed (set NODE_BINARY)" >&2
  exit 1
fi
echo "base-image: node $("$node_bin" --version) from $node_bin, npm 10 from the npm package npm@10"
(cd "$work" && npm pack --silent npm@10 >/dev/null)
mkdir -p "$root/usr/local/lib/node_modules/npm"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
# the official node images lay npm out the same way
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" /usr/local/bin/node --version
chroot "$root" /usr/local/bin/npm --version

# trust what this host trusts (its CA bundle may hold a TLS-inspecting proxy's CA), so `npm ci` in the image's build
# stage reaches the registry the way the host's npm does
ca="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
ca_env=()
if [ -f "$ca" ]; then
  mkdir -p "$root/etc/ssl/certs"
  cp "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi

echo "base-image: docker import $image"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "${ca_env[@]}" \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "base-image: built $image"
