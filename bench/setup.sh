#!/bin/sh
# Installs what `npm run bench` compares against, when missing (Debian; run as root).
#   skopeo          pushes the same images to a registry
#   docker-registry the Distribution registry, run on loopback with a throwaway config
#   time            /usr/bin/time -f for child CPU and peak RSS
set -eu
need=""
command -v skopeo >/dev/null 2>&1 || need="$need skopeo"
command -v docker-registry >/dev/null 2>&1 || need="$need docker-registry"
[ -x /usr/bin/time ] || need="$need time"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "bench needs:$need (sudo apt-get install$need)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
# The package starts a system service on :5000; the bench runs its own instance.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
