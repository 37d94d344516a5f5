#!/usr/bin/env bash
# Collect Bench2Drive-layout clips on CARLA 0.9.15 + Bench2Drive's leaderboard with data_agent.py.
#
# The route XML is split into N contiguous parts (like Bench2Drive's tools/split_xml.py); part i runs
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
AGENT="$HERE/data_agent.py"
ROUTES="" OUT="" SERVERS=1 GPUS="0" AGENT_CONFIG="" B2D_ROOT="${BENCH2DRIVE_ROOT:-}" PY="python3"
TIMEOUT=600 RESUME=0 DRY_RUN=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --routes) ROUTES="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; shift 2 ;;
    --servers) SERVERS="${2:-}"; shift 2 ;;
    --gpus) GPUS="${2:-}"; shift 2 ;;
    --agent-config) AGENT_CONFIG="${2:-}"; shift 2 ;;
    --b2d-root) B2D_ROOT="${2:-}"; shift 2 ;;
    --python) PY="${2:-}"; shift 2 ;;
    --timeout) TIMEOUT="${2:-}"; shift 2 ;;
    --resume) RESUME=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

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
[[ -n "${CARLA_ROOT:-}" ]] || die "CARLA_ROOT is not set (the CARLA 0.9.15 folder that holds CarlaUE4.sh)"
[[ -x "$CARLA_ROOT/CarlaUE4.sh" ]] || die "CARLA_ROOT='$CARLA_ROOT' has no executable CarlaUE4.sh"
[[ -n "$B2D_ROOT" ]] || die "set BENCH2DRIVE_ROOT or pass --b2d-root (a Bench2Drive checkout)"
EVALUATOR="$B2D_ROOT/leaderboard/leaderboard/leaderboard_evaluator.py"
[[ -f "$EVALUATOR" ]] || die "'$B2D_ROOT' is not a Bench2Drive checkout (no leaderboard/leaderboard/leaderboard_evaluator.py)"
[[ -d "$B2D_ROOT/scenario_runner" ]] || die "'$B2D_ROOT' has no scenario_runner/ folder"
[[ -z "$AGENT_CONFIG" || -f "$AGENT_CONFIG" ]] || die "agent config '$AGENT_CONFIG' does not exist"
command -v "$PY" >/dev/null || die "python '$PY' not found (pass --python)"
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c "import wpt_core" 2>/dev/null \
  || die "'$PY' cannot import wpt_core (pip install -e '$REPO' into the evaluator's environment)"

mkdir -p "$OUT/clips" "$OUT/results" "$OUT/routes" "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
ROUTES="$(cd "$(dirname "$ROUTES")" && pwd)/$(basename "$ROUTES")"
[[ -z "$AGENT_CONFIG" ]] || AGENT_CONFIG="$(cd "$(dirname "$AGENT_CONFIG")" && pwd)/$(basename "$AGENT_CONFIG")"

# --- split the routes into contiguous parts -----------------------------------------------------------
PARTS="$("$PY" - "$ROUTES" "$SERVERS" "$OUT/routes" <<'PYCODE'
import sys
import xml.etree.ElementTree as ET

src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
routes = ET.parse(src).getroot().findall("route")
k, m = divmod(len(routes), n)
written = 0
for i in range(n):
    part = routes[i * k + min(i, m):(i + 1) * k + min(i + 1, m)]
    if not part:
        continue
    root = ET.Element("routes")
    root.extend(part)
    ET.ElementTree(root).write(f"{out}/part_{i}.xml", encoding="utf-8", xml_declaration=True)
    written += 1
print(written)
PYCODE
)" || die "could not split '$ROUTES' (is it valid XML?)"
echo "collect_carla.sh: $(grep -c "<route " "$ROUTES") routes in $PARTS part(s) → $OUT"

# --- run one evaluator per part ------------------------------------------------------------------------
CARLA_PY="$CARLA_ROOT/PythonAPI:$CARLA_ROOT/PythonAPI/carla"
for egg in "$CARLA_ROOT"/PythonAPI/carla/dist/carla-0.9.15-*.egg; do [[ -e "$egg" ]] && CARLA_PY="$CARLA_PY:$egg"; done
RESUME_ARG="--resume="   # the evaluator parses --resume with type=bool: only an empty value means False
[[ $RESUME -eq 1 ]] && RESUME_ARG="--resume=True"

PIDS=()
for ((i = 0; i < SERVERS; i++)); do
  PART="$OUT/routes/part_$i.xml"
  [[ -f "$PART" ]] || continue
  PORT=$((30000 + 150 * i)); TM_PORT=$((50000 + 150 * i)); GPU="${GPU_LIST[$((i % ${#GPU_LIST[@]}))]}"
  CMD=("$PY" "$EVALUATOR" "--routes=$PART" "--repetitions=1" "--track=SENSORS"
       "--checkpoint=$OUT/results/part_$i.json" "--agent=$AGENT" "--agent-config=$AGENT_CONFIG" "--debug=0"
       "$RESUME_ARG" "--port=$PORT" "--traffic-manager-port=$TM_PORT" "--gpu-rank=$GPU" "--timeout=$TIMEOUT")
  echo "part $i: port $PORT, traffic manager $TM_PORT, GPU $GPU, log $OUT/logs/part_$i.log"
  if [[ $DRY_RUN -eq 1 ]]; then
    echo "  (cd $B2D_ROOT && ${CMD[*]})"
    continue
  fi
  (
    cd "$B2D_ROOT"
    export CARLA_ROOT SAVE_PATH="$OUT/clips" IS_BENCH2DRIVE=True CHALLENGE_TRACK_CODENAME=SENSORS
    export SCENARIO_RUNNER_ROOT=scenario_runner LEADERBOARD_ROOT=leaderboard CUDA_VISIBLE_DEVICES="$GPU"
    export PYTHONPATH="$CARLA_PY:leaderboard:scenario_runner:$REPO${PYTHONPATH:+:$PYTHONPATH}"
    exec "${CMD[@]}"
  ) > "$OUT/logs/part_$i.log" 2>&1 &
  PIDS+=($!)
  sleep 5   # stagger the CARLA launches
done
[[ $DRY_RUN -eq 1 ]] && exit 0

FAILED=0
for pid in "${PIDS[@]}"; do wait "$pid" || FAILED=$((FAILED + 1)); done

for result in "$OUT"/results/part_*.json; do
  [[ -f "$result" ]] && PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli data attach-results "$result" "$OUT/clips"
done
PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli data stats "$OUT/clips" --json "$OUT/stats.json" || true
[[ $FAILED -eq 0 ]] || { echo "collect_carla.sh: $FAILED evaluator part(s) exited with an error; see $OUT/logs (re-run with --resume)" >&2; exit 1; }
