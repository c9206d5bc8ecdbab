#!/usr/bin/env bash
# Makes the project's image fixtures with real tools, reproducibly.
#
#   scripts/make-fixtures.sh            regenerate fixtures/ (everything but fixtures/README.md)
#   scripts/make-fixtures.sh big DIR    write DIR/oci-layout: one image with a 45 MiB random layer
#                                       (too big to commit; test/helpers/big-image.ts calls this)
#
# Tools: umoci, skopeo, jq, openssl, gzip, GNU tar (Debian: apt-get install umoci skopeo jq openssl).
# Random bytes come from AES-256-CTR over zeros with a fixed key, so every run writes the same
# files; only oci-archive.tar's tar headers change (skopeo records its temp dir's mtimes).
# No network access is needed.
set -euo pipefail
export TZ=UTC LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EPOCH=1704067200                 # 2024-01-01T00:00:00Z
CREATED=2024-01-01T00:00:00Z
ROOTLESS=()
[ "$(id -u)" = 0 ] || ROOTLESS=(--rootless)

# prand <seed: 2 hex digits> <bytes>: deterministic incompressible bytes.
prand() {
  head -c "$2" /dev/zero |
    openssl enc -aes-256-ctr -nosalt -K "$(printf '%062d%s' 0 "$1")" -iv 00000000000000000000000000000000
}

pin_times() { find "$1" -exec touch -h -d "@$EPOCH" {} +; }

# new_image <layout> <tag> <arch>: an empty image with a fixed config.
new_image() {
  local L=$1 T=$2 ARCH=$3
  [ -e "$L/oci-layout" ] || umoci init --layout "$L"
  umoci new --image "$L:$T"
  umoci config --image "$L:$T" --os linux --architecture "$ARCH" --created "$CREATED" \
    --author "ecr-push fixtures" --config.env PATH=/usr/bin:/bin --config.cmd /bin/sh \
    --history.created "$CREATED" --history.created_by "umoci config"
}

# add_layer <layout> <tag> <bundle> <description>: repack the bundle's rootfs as a new layer.
add_layer() {
  pin_times "$3/rootfs"
  umoci repack "${ROOTLESS[@]}" --refresh-bundle --image "$1:$2" \
    --history.created "$CREATED" --history.created_by "$4" "$3"
}

# small_image <layout> <tag> <arch> <seed>: two layers; layer 1 is the same for every arch.
small_image() {
  local L=$1 T=$2 ARCH=$3 SEED=$4 B
  B=$(mktemp -d)
  new_image "$L" "$T" "$ARCH"
  umoci unpack "${ROOTLESS[@]}" --image "$L:$T" "$B/b"
  mkdir -p "$B/b/rootfs/etc" "$B/b/rootfs/data"
  printf 'ecr-push fixture\n' > "$B/b/rootfs/etc/motd"
  prand 11 4096 > "$B/b/rootfs/data/shared.bin"
  add_layer "$L" "$T" "$B/b" "layer 1: shared files"
  printf '%s\n' "$ARCH" > "$B/b/rootfs/etc/arch"
  prand "$SEED" 6144 > "$B/b/rootfs/data/$ARCH.bin"
  add_layer "$L" "$T" "$B/b" "layer 2: $ARCH files"
  rm -rf "$B"
  umoci gc --layout "$L"
}

# big_image <dir>: DIR/oci-layout, tag v1, one gzip layer holding 45 MiB of random bytes.
big_image() {
  local L=$1/oci-layout B
  B=$(mktemp -d)
  rm -rf "$L"
  new_image "$L" v1 amd64
  umoci unpack "${ROOTLESS[@]}" --image "$L:v1" "$B/b"
  mkdir -p "$B/b/rootfs/data"
  prand 45 $((45 * 1024 * 1024)) > "$B/b/rootfs/data/random-45m.bin"
  add_layer "$L" v1 "$B/b" "layer 1: 45 MiB of random bytes"
  rm -rf "$B"
  umoci gc --layout "$L"
}

# data_offset <tar> <entry name regex>: byte offset of the first matching entry's data.
data_offset() {
  local block
  block=$(tar -tvR -f "$1" | awk -v re="$2" '$0 ~ re { sub(/^block /, ""); sub(/:.*/, ""); print; exit }')
  [ -n "$block" ] || { echo "no entry matching $2 in $1" >&2; exit 1; }
  echo $(((block + 1) * 512))
}

# flip_byte <file> <offset>: invert one byte in place.
flip_byte() {
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 0xff)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# index_blob <layout> <tag>...: an OCI image index over the tags' manifests (descriptors copied
# from umoci's index.json, platform from each config), stored as a blob; prints its descriptor.
index_blob() {
  local L=$1 t d cfg manifests='[]' bytes digest
  shift
  for t in "$@"; do
    d=$(jq -c --arg t "$t" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | del(.annotations)' "$L/index.json")
    cfg=$(jq -r '.config.digest | sub("sha256:"; "")' "$L/blobs/sha256/$(jq -r '.digest | sub("sha256:"; "")' <<<"$d")")
    d=$(jq -c --slurpfile c "$L/blobs/sha256/$cfg" '. + {platform: {architecture: $c[0].architecture, os: $c[0].os}}' <<<"$d")
    manifests=$(jq -c --argjson d "$d" '. + [$d]' <<<"$manifests")
  done
  bytes=$(jq -cn --argjson m "$manifests" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}')
  digest=$(printf '%s' "$bytes" | sha256sum | cut -d' ' -f1)
  printf '%s' "$bytes" > "$L/blobs/sha256/$digest"
  jq -cn --arg d "sha256:$digest" --argjson s "${#bytes}" \
    '{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s}'
}

make_fixtures() {
  local F=$ROOT/fixtures
  W=$(mktemp -d)
  trap 'rm -rf "$W"' EXIT
  find "$F" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
  mkdir -p "$F/corrupt"

  # OCI layout (umoci), tag v1, two gzip layers, linux/amd64.
  small_image "$F/oci-layout" v1 amd64 21
  # The same image as an oci-archive and as a legacy docker-archive (skopeo), and gzipped.
  skopeo copy --quiet oci:"$F/oci-layout":v1 oci-archive:"$F/oci-archive.tar":v1
  skopeo copy --quiet oci:"$F/oci-layout":v1 docker-archive:"$F/docker-archive.tar":example.com/fixtures/small:v1
  gzip -9 -n -c "$F/docker-archive.tar" > "$F/docker-archive.tar.gz"

  # Two-platform index: umoci builds both images (layer 1 identical), jq writes the index over
  # umoci's descriptors, skopeo copies it with every child into the committed layout.
  small_image "$W/multi" amd64 amd64 21
  small_image "$W/multi" arm64 arm64 31
  local idx
  idx=$(index_blob "$W/multi" amd64 arm64)
  jq --argjson d "$idx" '.manifests += [$d + {annotations: {"org.opencontainers.image.ref.name": "latest"}}]' \
    "$W/multi/index.json" > "$W/index.json" && mv "$W/index.json" "$W/multi/index.json"
  skopeo copy --quiet --all oci:"$W/multi":latest oci:"$F/oci-index":latest

  # Corrupt variants.
  local layer_at
  layer_at=$(data_offset "$F/docker-archive.tar" '[0-9a-f]+\.tar$')
  cp "$F/docker-archive.tar" "$F/corrupt/flipped-byte.tar"
  flip_byte "$F/corrupt/flipped-byte.tar" $((layer_at + 700))
  head -c $((layer_at + 1000)) "$F/docker-archive.tar" > "$F/corrupt/truncated.tar"
  cp -a "$F/oci-layout" "$F/corrupt/missing-blob"
  rm "$F/corrupt/missing-blob/blobs/sha256/$(jq -r '.layers[-1].digest | sub("sha256:"; "")' \
    "$F/oci-layout/blobs/sha256/$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$F/oci-layout/index.json")")"
  cp -a "$F/oci-layout" "$F/corrupt/path-traversal"
  jq -c '.manifests[0].digest = "sha256:../../../../../../etc/passwd"' "$F/oci-layout/index.json" \
    > "$F/corrupt/path-traversal/index.json"
  : > "$F/corrupt/empty.tar"
  prand 99 4096 > "$F/corrupt/random.bin"
  mkdir -p "$F/corrupt/not-a-layout"
  printf 'a directory without oci-layout or index.json\n' > "$F/corrupt/not-a-layout/notes.txt"
  pin_times "$F"
}

case "${1:-}" in
  big) big_image "${2:?usage: make-fixtures.sh big DIR}" ;;
  '') make_fixtures ;;
  *) echo "usage: make-fixtures.sh [big DIR]" >&2; exit 2 ;;
esac
