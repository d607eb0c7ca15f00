#!/usr/bin/env bash
# Makes sure redis-server (Debian package) is installed: the gateway's tests and bench/access.sh start their own
# instances of it on 127.0.0.1. Needs root (or an already installed redis-server).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends redis-server >/dev/null 2>&1 \
  || { apt-get update >/dev/null && apt-get install -y --no-install-recommends redis-server >/dev/null; }
command -v redis-server >/dev/null
