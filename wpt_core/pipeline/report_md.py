"""The main job's report: one table (closed-loop scores, abilities, open-loop L2 / collisions, ms per step) for
each policy, training curves, per-ability bars and the rollout video, as `report.md` + `report.json` + PNGs.

Rebuilt from the run folder on every run, so a resumed run's report always shows every finished stage; a
policy whose stages have not run shows "n/a".
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Set

from wpt_core.evaluation.abilities import ABILITIES
from wpt_core.evaluation.merge import merge_results
from wpt_core.evaluation.report import RoutesFile, compute_report
from wpt_core.leaderboard.route_file import read_routes, select_routes
from wpt_core.pipeline.pipeline_config import (ABLATION_OPEN_LOOP, POLICIES, PipelineConfig,
                                               ablation_policies, learned_policies)
from wpt_core.pipeline.runner import StageContext, format_seconds

# (key in a row, column header, decimals); percentages in percent, IS 0-1, L2 in metres, ms per batch-1 step
COLUMNS = [("driving_score", "DS", 2), ("success_rate", "SR %", 1), ("route_completion", "RC", 2),
           ("infraction_penalty", "IS", 3), *((a, a.replace("_", " ") + " %", 1) for a in ABILITIES),
           ("ability_mean", "Ability mean %", 1), ("efficiency", "Efficiency %", 1), ("comfort", "Comfort %", 1),
           ("l2_m", "L2 m", 3), ("collision_rate", "Collision %", 2), ("ms_per_step", "ms/step", 1)]
LATENCY_SETTING_THREADS = 1   # ms per step on one CPU thread: the setting the CPU budget measures latency on


def closed_loop(results: Path, routes_xml: str, subset: str, metric_dir: Path) -> Dict[str, Any]:
    """`wpt report` of one eval stage, scored over the evaluated routes only (missing ones count 0)."""
    routes = select_routes(read_routes(routes_xml), subset)
    types = {str(r.id): r.scenarios[0].type if r.scenarios else "" for r in routes}
    document = merge_results([results])
    return compute_report(document, metric_dir if metric_dir.is_dir() else None, None,
                          RoutesFile(f"{routes_xml} (routes {subset or 'all'})", types))


def open_loop_row(report: Mapping[str, Any], row: str = "plan") -> Dict[str, Optional[float]]:
    """L2 (m) and collision rate (%) of a row (the executed plan by default), averaged over 1/2/3 s in the
    ST-P3 / VAD convention."""
    plan = report["rows"][row]
    collision = plan.get("collision_mean_to_avg")
    return {"l2_m": plan.get("l2_mean_to_avg"), "collision_rate": None if collision is None else 100.0 * collision}


def latency_ms(report: Mapping[str, Any]) -> Dict[str, float]:
    """Median ms per batch-1 step of teacher and student on one CPU thread; the baseline is the student's
    architecture, so it takes the student's figure."""
    for setting in report["settings"].values():
        if setting.get("device") == "cpu" and setting.get("threads") == LATENCY_SETTING_THREADS:
            student = float(setting["student"]["median_ms"])
            return {"teacher": float(setting["teacher"]["median_ms"]), "student": student, "baseline": student}
    return {}


def policy_row(closed: Optional[Mapping[str, Any]], open_: Mapping[str, Optional[float]],
               ms: Optional[float]) -> Dict[str, Any]:
    """One row of the table from a closed-loop report, the open-loop figures and ms per step."""
    row: Dict[str, Any] = {key: None for key, _, _ in COLUMNS}
    if closed is not None:
        row.update({k: closed[k] for k in ("driving_score", "success_rate", "route_completion",
                                           "infraction_penalty", "efficiency", "comfort")})
        row.update({a: closed["abilities"].get(a) for a in ABILITIES})
        row["ability_mean"] = closed["abilities"].get("mean")
        row["routes"] = closed["num_routes"]
    row.update(open_)
    row["ms_per_step"] = ms
    return row


def _read_json(path: Optional[str]) -> Optional[Dict[str, Any]]:
    return json.loads(Path(path).read_text()) if path and Path(path).is_file() else None


def _route_ids(routes_xml: str, subset: str) -> Set[str]:
    return {str(r.id) for r in select_routes(read_routes(routes_xml), subset)}


def comparison_subsets(config: PipelineConfig) -> List[str]:
    """The route subsets some policy drives other than the main one (the teacher's, the ablations'): baseline and
    student are also scored on each, so every policy has a row on the same routes to be compared with."""
    main = config.policy_eval.routes_subset
    own = [config.policy_eval.teacher_routes_subset] + ([config.ablations.routes_subset]
                                                        if config.ablations.students else [])
    return sorted({s for s in own if s and s != main})


def gather_rows(outputs: Mapping[str, Mapping[str, str]], config: PipelineConfig) -> Dict[str, Dict[str, Any]]:
    """Every policy's row from the finished stages' outputs; ablation students take the student's ms per step
    (the same architecture)."""
    latency = _read_json(outputs.get("latency", {}).get("latency"))
    ms = latency_ms(latency) if latency else {}
    ablations = ablation_policies(config)
    ms.update({p: ms["student"] for p in ablations if "student" in ms})
    open_loops = {**outputs.get("open_loop", {}), **outputs.get(ABLATION_OPEN_LOOP, {})}

    def row(policy: str, subset: Optional[str] = None) -> Dict[str, Any]:
        stage = outputs.get("expert_eval" if policy == "expert" else f"eval_{policy}")
        closed = closed_loop(Path(stage["results"]), stage["routes"],
                             stage["routes_subset"] if subset is None else subset,
                             Path(stage["save_path"])) if stage else None
        ol = _read_json(open_loops.get(policy))
        return policy_row(closed, open_loop_row(ol) if ol else {}, ms.get(policy))

    rows = {policy: row(policy) for policy in POLICIES}
    for subset in comparison_subsets(config):
        for policy in ("baseline", "student"):
            stage = outputs.get(f"eval_{policy}")
            if stage and _route_ids(stage["routes"], subset) <= _route_ids(stage["routes"], stage["routes_subset"]):
                rows[f"{policy} (routes {subset})"] = row(policy, subset)
    rows.update({policy: row(policy) for policy in ablations})
    return rows


def _cell(value: Optional[float], decimals: int) -> str:
    return "n/a" if value is None else f"{value:.{decimals}f}"


def render_markdown(report: Mapping[str, Any]) -> str:
    """report.md from report.json's content."""
    header = ["policy", "routes", *(title for _, title, _ in COLUMNS)]
    lines = [f"# WPT pipeline report: profile `{report['profile']}`, run `{report['run']}`", "",
             f"Closed loop on `{report['benchmark']}`, seed {report['seed']}; routes per policy in the table "
             "(teacher and ablation students on their own subset when the profile says so, with baseline and student "
             "scored on the same routes in the rows named after it). L2 and collision rate: open loop on the "
             "world model's validation routes, mean over 1/2/3 s (ST-P3 / VAD convention). ms/step: median batch-1 "
             "inference on one CPU thread (`wpt bench latency`; the baseline shares the student's architecture).", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for policy, row in report["policies"].items():
        cells = [policy, str(row.get("routes", "n/a"))] + [_cell(row.get(key), d) for key, _, d in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Stage wall times", "", "| stage | wall time |", "|---|---|"]
    lines += [f"| {name} | {format_seconds(wall)} |" for name, wall in report["stage_wall_s"].items()]
    lines.append(f"| total | {format_seconds(sum(report['stage_wall_s'].values()))} |")
    if report.get("world_model"):
        from wpt_core.evaluation.world_model_eval import format_world_model_report  # torch: only when there is one

        lines += ["", "## World model (validation routes)", "", "```", format_world_model_report(report["world_model"]),
                  "```"]
    if report.get("teacher_choice"):
        lines += teacher_choice_lines(report["teacher_choice"])
    if report["plots"]:
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in report["plots"]]
    if report.get("video"):
        lines += ["", "## Rollout", "", f"![student rollout]({Path(report['video']).name})"]
    return "\n".join(lines) + "\n"


def teacher_choice(outputs: Mapping[str, Mapping[str, str]]) -> Dict[str, Dict[str, Optional[float]]]:
    """Every open-loop row of the teacher (its plan, the oracle, its choice taken apart, the references)."""
    report = _read_json(outputs.get("open_loop", {}).get("teacher"))
    return {row: open_loop_row(report, row) for row in report["rows"]} if report else {}


def teacher_choice_lines(rows: Mapping[str, Mapping[str, Optional[float]]]) -> List[str]:
    """The section that says whether the teacher's candidates, its reward heads or its world model fall short."""
    from wpt_core.evaluation.reward_rows import ROWS  # torch: only when there is a teacher

    labels = {"plan": "selected (executed)", "oracle": "oracle-best candidate", **ROWS,
              "constant_velocity": "straight ahead at the current speed", "expert": "expert (logged)"}
    lines = ["", "## The teacher's choice taken apart (open loop, validation routes)", "",
             "The candidate each part of the reward would pick; rules on the true future = a perfect world model "
             "(`wpt_core/evaluation/reward_rows.py`).", "", "| row | L2 m | Collision % |", "|---|---|---|"]
    lines += [f"| {labels.get(row, row)} | {_cell(v['l2_m'], 3)} | {_cell(v['collision_rate'], 2)} |"
              for row, v in rows.items()]
    return lines


def write_report(ctx: StageContext) -> Dict[str, str]:
    from wpt_core.pipeline.plots import ability_bars, training_curves

    rows = gather_rows(ctx.outputs, ctx.config)
    runs = {kind: Path(ctx.outputs[kind]["run"]) for kind in ("world_model", *learned_policies(ctx.config))
            if kind in ctx.outputs}
    plots: List[str] = [str(p) for p in training_curves(runs, ctx.run_dir)]
    if any(row.get("ability_mean") is not None for row in rows.values()):
        plots.append(str(ability_bars(rows, ctx.run_dir / "abilities.png")))
    report = {"profile": ctx.profile, "training_profile": ctx.config.training.profile, "run": ctx.run_dir.name,
              "benchmark": ctx.config.policy_eval.benchmark, "seed": ctx.config.seed, "policies": rows,
              "world_model": _read_json(ctx.outputs.get("world_model_eval", {}).get("report")),
              "teacher_choice": teacher_choice(ctx.outputs),
              "stage_wall_s": dict(ctx.wall_s), "plots": plots,
              "video": ctx.outputs.get("video", {}).get("video")}
    json_path, md_path = ctx.run_dir / "report.json", ctx.run_dir / "report.md"
    json_path.write_text(json.dumps(report, indent=2))
    md_path.write_text(render_markdown(report))
    print(render_markdown(report))
    return {"report_md": str(md_path), "report_json": str(json_path)}
