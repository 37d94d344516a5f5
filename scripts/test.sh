#!/usr/bin/env bash
# The test command (README, CI): set up ./.venv, then the fast default pytest selection.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m slow` for the long end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
.venv/bin/python -m pytest -q "$@"
