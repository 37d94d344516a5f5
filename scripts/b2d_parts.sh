# Shared by data_collection/collect_carla.sh and scripts/eval_b2d_multi.sh (source it, do not run it):
# checks a CARLA 0.9.15 + Bench2Drive setup, splits a route file into N parts (`wpt routes split`: Bench2Drive's
# contiguous split, ports 30000+150·i / 50000+150·i) and runs one leaderboard evaluator per part, each launching
# its own CARLA server, from the Bench2Drive root (the evaluator reads its weather file relative to the cwd).
# Callers define usage() and die(), set REPO, parse their arguments with b2d_parse_args, and set GPU_LIST (array).

# b2d_parse_args "$@": the options both scripts take, into ROUTES OUT SERVERS GPUS AGENT_CONFIG B2D_ROOT PY
# TIMEOUT RESUME DRY_RUN (defaults first; an unknown option is an error through the caller's usage/die).
b2d_parse_args() {
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
}

b2d_check_setup() {
  [[ -n "${CARLA_ROOT:-}" ]] || die "CARLA_ROOT is not set (the CARLA 0.9.15 folder that holds CarlaUE4.sh)"
  [[ -x "$CARLA_ROOT/CarlaUE4.sh" ]] || die "CARLA_ROOT='$CARLA_ROOT' has no executable CarlaUE4.sh"
  [[ -n "$B2D_ROOT" ]] || die "set BENCH2DRIVE_ROOT or pass --b2d-root (a Bench2Drive checkout)"
  EVALUATOR="$B2D_ROOT/leaderboard/leaderboard/leaderboard_evaluator.py"
  [[ -f "$EVALUATOR" ]] || die "'$B2D_ROOT' is not a Bench2Drive checkout (no leaderboard/leaderboard/leaderboard_evaluator.py)"
  [[ -d "$B2D_ROOT/scenario_runner" ]] || die "'$B2D_ROOT' has no scenario_runner/ folder"
  command -v "$PY" >/dev/null || die "python '$PY' not found (pass --python)"
  PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c "import wpt_core" 2>/dev/null \
    || die "'$PY' cannot import wpt_core (pip install -e '$REPO' into the evaluator's environment)"
}

# b2d_split ROUTES N DIR: fills PARTS (lines "index path port tm_port").
b2d_split() {
  PARTS="$(PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m wpt_core.cli routes split --routes "$1" \
           --parts "$2" --out "$3")" || die "could not split '$1' into $2 parts (see the line above)"
}

# b2d_run_parts AGENT AGENT_CONFIG RESULTS_DIR SAVE_PATH LOG_DIR: one evaluator per part of PARTS, in the
# background (PIDS), or printed with DRY_RUN=1.
b2d_run_parts() {
  local agent="$1" agent_config="$2" results="$3" save="$4" logs="$5"
  local carla_py="$CARLA_ROOT/PythonAPI:$CARLA_ROOT/PythonAPI/carla" egg
  for egg in "$CARLA_ROOT"/PythonAPI/carla/dist/carla-0.9.15-*.egg; do [[ -e "$egg" ]] && carla_py="$carla_py:$egg"; done
  local resume_arg="--resume="   # the evaluator parses --resume with type=bool: only an empty value means False
  [[ $RESUME -eq 1 ]] && resume_arg="--resume=True"
  PIDS=()
  local index part port tm_port gpu
  while read -r index part port tm_port; do
    gpu="${GPU_LIST[$((index % ${#GPU_LIST[@]}))]}"
    local cmd=("$PY" "$EVALUATOR" "--routes=$part" "--repetitions=1" "--track=SENSORS"
               "--checkpoint=$results/part_$index.json" "--agent=$agent" "--agent-config=$agent_config" "--debug=0"
               "$resume_arg" "--port=$port" "--traffic-manager-port=$tm_port" "--gpu-rank=$gpu" "--timeout=$TIMEOUT")
    echo "part $index: port $port, traffic manager $tm_port, GPU $gpu, log $logs/part_$index.log"
    if [[ $DRY_RUN -eq 1 ]]; then
      echo "  (cd $B2D_ROOT && ${cmd[*]})"
      continue
    fi
    (
      cd "$B2D_ROOT"
      export CARLA_ROOT SAVE_PATH="$save" IS_BENCH2DRIVE=True CHALLENGE_TRACK_CODENAME=SENSORS
      export SCENARIO_RUNNER_ROOT=scenario_runner LEADERBOARD_ROOT=leaderboard CUDA_VISIBLE_DEVICES="$gpu"
      export PYTHONPATH="$carla_py:leaderboard:scenario_runner:$REPO${PYTHONPATH:+:$PYTHONPATH}"
      exec "${cmd[@]}"
    ) > "$logs/part_$index.log" 2>&1 &
    PIDS+=($!)
    sleep 5   # stagger the CARLA launches
  done <<< "$PARTS"
}

# b2d_wait: waits for PIDS; FAILED = how many evaluators exited with an error.
b2d_wait() {
  FAILED=0
  local pid
  for pid in "${PIDS[@]}"; do wait "$pid" || FAILED=$((FAILED + 1)); done
}
