#!/bin/sh
# Configure and build in the source tree (idempotent).
set -e
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --enable-dco
make -j"$(nproc)"
