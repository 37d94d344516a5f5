#!/usr/bin/env bash
# The main job (README): set up ./.venv, then the full pipeline on the embedded simulator, quick profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
.venv/bin/wpt pipeline --profile quick "$@"
