"""The architecture's dependency direction, checked on every import statement (function-level too)."""
import ast
import sys
from pathlib import Path

import wpt_core

ROOT = Path(wpt_core.__file__).parent
CORE = {"types", "geometry", "config", "paths", "protocol", "privileged", "ground_map", "errors", "__init__"}
TIER = {**{name: 0 for name in CORE},
        "models": 1, "data": 1, "sim": 1, "expert": 1, "control": 1, "carla_bridge": 1,
        "training": 2, "evaluation": 2, "cli": 3, "commands": 3}
# Same-tier edges that are forbidden although the tiers would allow them.
FORBIDDEN = {("models", "sim"), ("sim", "models"), ("expert", "sim"), ("control", "sim"), ("data", "sim"),
             ("carla_bridge", "sim"), ("models", "carla_bridge"), ("sim", "carla_bridge"),
             ("training", "sim"), ("expert", "models"), ("control", "models"), ("data", "models"),
             ("models", "expert"), ("evaluation", "training")}
# models read data's definitions (sensor config, BEV grid and channels, rig geometry): one source of truth.
ALLOWED_SAME_TIER = {("sim", "data"), ("expert", "control"), ("carla_bridge", "data"), ("cli", "commands"),
                     ("models", "data")}


def area_of(module_path: Path) -> str:
    rel = module_path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_areas(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "wpt_core" and len(parts) > 1:
                yield parts[1], node.lineno
            elif parts[0] in ("agents", "data_collection"):
                yield parts[0], node.lineno


def violations():
    found = []
    for path in ROOT.rglob("*.py"):
        src = area_of(path)
        for dst, line in imported_areas(path):
            where = f"{path.relative_to(ROOT.parent)}:{line} imports {dst}"
            if dst in ("agents", "data_collection"):
                found.append(where + " (wpt_core must never import agent folders)")
            elif dst not in TIER or src not in TIER or dst == src:
                continue
            elif (src, dst) in FORBIDDEN:
                found.append(where + " (forbidden edge)")
            elif TIER[dst] > TIER[src]:
                found.append(where + " (imports upward)")
            elif TIER[dst] == TIER[src] and TIER[src] > 0 and (src, dst) not in ALLOWED_SAME_TIER:
                found.append(where + " (same-tier edge not in the architecture)")
    return found


def test_dependency_direction_holds():
    assert violations() == []


def test_carla_is_imported_only_in_the_bridge_and_protocol():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("carla_bridge/") or rel == "protocol.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "carla" for a in node.names):
                offenders.append(rel)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "carla":
                offenders.append(rel)
    assert offenders == []


def test_checker_catches_an_upward_import(tmp_path, monkeypatch):
    fake_root = tmp_path / "wpt_core"
    (fake_root / "sim").mkdir(parents=True)
    (fake_root / "sim" / "bad.py").write_text("from wpt_core.models import thing\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    assert any("forbidden edge" in v for v in violations())


def test_agent_folders_are_not_packages():
    repo = ROOT.parent
    assert not (repo / "agents" / "__init__.py").exists()
    assert not (repo / "data_collection" / "__init__.py").exists()
