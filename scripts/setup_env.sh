#!/usr/bin/env bash
# Create ./.venv (once) and install the project with the embedded-simulator and training extras into it.
# PyTorch is pinned and installed first: an unpinned `torch` from the train extra would pull the CUDA build.
# Idempotent: a second run only re-checks the install. Sourced by test.sh and quickstart.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.wpt-installed ] || [ setup.cfg -nt .venv/.wpt-installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet "torch==2.13.0"
  .venv/bin/python -m pip install --quiet -e ".[sim,maps,carla,dev,train]"
  touch .venv/.wpt-installed
fi
