#!/usr/bin/env bash
# Evaluate agents/wpt_agent.py on Bench2Drive's routes (CARLA 0.9.15 + Bench2Drive's leaderboard) with N servers.
#
# The route file (default: Bench2Drive's leaderboard/data/bench2drive220.xml) is split into N contiguous parts
# (`wpt routes split`, as Bench2Drive's tools/split_xml.py); part i runs its own evaluator, which launches its own
# CARLA server, on ports 30000+150·i / 50000+150·i and GPU gpus[i % len(gpus)]. Per-part results go to
# OUT/results/part_<i>.json, the agent's metric_info.json files to OUT/agent_outputs (SAVE_PATH), logs to
# OUT/logs. Re-run with --resume after an interruption: the split is kept and every evaluator resumes its part.
# When all parts end, `wpt report` merges them (a route in two parts is refused) into OUT/report.json.
#
# Environment: CARLA_ROOT (CARLA 0.9.15 with CarlaUE4.sh), BENCH2DRIVE_ROOT (a Bench2Drive checkout) or --b2d-root.
set -euo pipefail

usage() {
  cat <<USAGE
usage: $0 --agent-config CFG.yaml --out DIR [--routes ROUTES.xml] [--servers N] [--gpus "0 1"]
          [--b2d-root DIR] [--python PY] [--timeout S] [--resume] [--dry-run]
USAGE
}

die() { echo "eval_b2d_multi.sh: error: $*" >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
# shellcheck source=b2d_parts.sh
source "$HERE/b2d_parts.sh"
AGENT="$REPO/agents/wpt_agent.py"
b2d_parse_args "$@"

[[ -n "$AGENT_CONFIG" ]] || { usage >&2; die "--agent-config is required (e.g. leaderboard_configs/agents/wpt_student.yaml)"; }
[[ -f "$AGENT_CONFIG" ]] || die "agent config '$AGENT_CONFIG' does not exist"
[[ -n "$OUT" ]] || { usage >&2; die "--out is required"; }
[[ "$SERVERS" =~ ^[1-9][0-9]*$ ]] || die "--servers must be a positive integer, got '$SERVERS'"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds, got '$TIMEOUT'"
read -r -a GPU_LIST <<< "$GPUS"
[[ ${#GPU_LIST[@]} -gt 0 ]] || die "--gpus must list at least one GPU index"
for g in "${GPU_LIST[@]}"; do [[ "$g" =~ ^[0-9]+$ ]] || die "GPU index '$g' is not a number"; done
b2d_check_setup
ROUTES="${ROUTES:-$B2D_ROOT/leaderboard/data/bench2drive220.xml}"
[[ -f "$ROUTES" ]] || die "route file '$ROUTES' does not exist"
# The agent loads its checkpoint in setup(): refuse a config whose checkpoint is missing before any server starts.
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c "
import sys
from wpt_core.deploy.agent_config import check_agent_config
from wpt_core.errors import InputError
try:
    check_agent_config(sys.argv[1])
except InputError as exc:
    sys.exit(str(exc))
" "$AGENT_CONFIG" || die "bad agent config (see the line above)"

mkdir -p "$OUT/results" "$OUT/routes" "$OUT/logs" "$OUT/agent_outputs"
OUT="$(cd "$OUT" && pwd)"
ROUTES="$(cd "$(dirname "$ROUTES")" && pwd)/$(basename "$ROUTES")"
AGENT_CONFIG="$(cd "$(dirname "$AGENT_CONFIG")" && pwd)/$(basename "$AGENT_CONFIG")"

b2d_split "$ROUTES" "$SERVERS" "$OUT/routes"
echo "eval_b2d_multi.sh: $(grep -c "<route " "$ROUTES") routes in $(wc -l <<< "$PARTS") part(s) → $OUT"
b2d_run_parts "$AGENT" "$AGENT_CONFIG" "$OUT/results" "$OUT/agent_outputs" "$OUT/logs"
[[ $DRY_RUN -eq 1 ]] && exit 0
b2d_wait

RESULTS=("$OUT"/results/part_*.json)
[[ -f "${RESULTS[0]}" ]] || die "no part wrote a results file; see $OUT/logs"
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli report "${RESULTS[@]}" --routes "$ROUTES" \
  --metric-dir "$OUT/agent_outputs" --json "$OUT/report.json"
[[ $FAILED -eq 0 ]] || { echo "eval_b2d_multi.sh: $FAILED evaluator part(s) exited with an error; see $OUT/logs (re-run with --resume)" >&2; exit 1; }
