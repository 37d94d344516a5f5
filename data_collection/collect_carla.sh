#!/usr/bin/env bash
# Collect Bench2Drive-layout clips on CARLA 0.9.15 + Bench2Drive's leaderboard with data_agent.py.
#
# The route XML is split into N contiguous parts (`wpt routes split`, like Bench2Drive's tools/split_xml.py); part i runs
# its own evaluator (which launches its own CARLA server) on ports 30000+150·i / 50000+150·i, on GPU
# gpus[i % len(gpus)]. Clips go to OUT/clips, per-part results JSONs to OUT/results; when all parts
# end, each clip gets its leaderboard record (`wpt data attach-results`). Re-run with --resume to skip
# the routes a part already finished.
#
# Environment: CARLA_ROOT (CARLA 0.9.15 with CarlaUE4.sh), BENCH2DRIVE_ROOT (a Bench2Drive checkout:
# the evaluator must run from there because it reads its weather file relative to the cwd) or --b2d-root.
set -euo pipefail

usage() {
  cat <<USAGE
usage: $0 --routes ROUTES.xml --out DIR [--servers N] [--gpus "0 1"] [--agent-config FILE]
          [--b2d-root DIR] [--python PY] [--timeout S] [--resume] [--dry-run]
USAGE
}

die() { echo "collect_carla.sh: error: $*" >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
# shellcheck source=../scripts/b2d_parts.sh
source "$REPO/scripts/b2d_parts.sh"
AGENT="$HERE/data_agent.py"
b2d_parse_args "$@"

# --- validate ---------------------------------------------------------------------------------------
[[ -n "$ROUTES" ]] || { usage >&2; die "--routes is required"; }
[[ -n "$OUT" ]] || { usage >&2; die "--out is required"; }
[[ -f "$ROUTES" ]] || die "route file '$ROUTES' does not exist"
grep -q "<route " "$ROUTES" || die "route file '$ROUTES' has no <route> elements (not a leaderboard route XML?)"
[[ "$SERVERS" =~ ^[1-9][0-9]*$ ]] || die "--servers must be a positive integer, got '$SERVERS'"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds, got '$TIMEOUT'"
read -r -a GPU_LIST <<< "$GPUS"
[[ ${#GPU_LIST[@]} -gt 0 ]] || die "--gpus must list at least one GPU index"
for g in "${GPU_LIST[@]}"; do [[ "$g" =~ ^[0-9]+$ ]] || die "GPU index '$g' is not a number"; done
b2d_check_setup
[[ -z "$AGENT_CONFIG" || -f "$AGENT_CONFIG" ]] || die "agent config '$AGENT_CONFIG' does not exist"
mkdir -p "$OUT/clips" "$OUT/results" "$OUT/routes" "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
ROUTES="$(cd "$(dirname "$ROUTES")" && pwd)/$(basename "$ROUTES")"
[[ -z "$AGENT_CONFIG" ]] || AGENT_CONFIG="$(cd "$(dirname "$AGENT_CONFIG")" && pwd)/$(basename "$AGENT_CONFIG")"

# --- split the routes into contiguous parts and run one evaluator per part --------------------------------
b2d_split "$ROUTES" "$SERVERS" "$OUT/routes"
echo "collect_carla.sh: $(grep -c "<route " "$ROUTES") routes in $(wc -l <<< "$PARTS") part(s) → $OUT"
b2d_run_parts "$AGENT" "$AGENT_CONFIG" "$OUT/results" "$OUT/clips" "$OUT/logs"
[[ $DRY_RUN -eq 1 ]] && exit 0

b2d_wait

for result in "$OUT"/results/part_*.json; do
  [[ -f "$result" ]] && PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli data attach-results "$result" "$OUT/clips"
done
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli data stats "$OUT/clips" --json "$OUT/stats.json" || true
[[ $FAILED -eq 0 ]] || { echo "collect_carla.sh: $FAILED evaluator part(s) exited with an error; see $OUT/logs (re-run with --resume)" >&2; exit 1; }
