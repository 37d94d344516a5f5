"""The architecture's dependency rules (docs/architecture.md), checked on every import statement of wpt_core."""
import ast
import re
import sys
from pathlib import Path

import wpt_core

ROOT = Path(wpt_core.__file__).parent
RULES = ROOT.parent / "docs" / "architecture.md"
EDGE = re.compile(r"`(\w+)` → `(\w+)`")


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def load_rules(path: Path = RULES):
    """(tier by area, allowed same-tier edges, forbidden edges) as docs/architecture.md writes them."""
    text = path.read_text()
    tiers = {}
    for tier, areas in re.findall(r"^\| (\d) \| (.+) \|$", _section(text, "Tiers"), flags=re.M):
        tiers.update({name: int(tier) for name in re.findall(r"`(\w+)`", areas)})
    allowed = set(EDGE.findall(_section(text, "Same-tier edges that are allowed")))
    forbidden = set(EDGE.findall(_section(text, "Edges the tiers would allow but that are forbidden")))
    return tiers, allowed, forbidden


def area_of(module_path: Path, root: Path) -> str:
    rel = module_path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imports(path: Path):
    """(imported module names, line, relative?) of every import statement, function-level ones included."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, False
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            yield module, node.lineno, node.level > 0
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno, node.level > 0


def violations(root: Path = ROOT, rules=None):
    tiers, allowed, forbidden = rules or load_rules()
    found = []
    for path in sorted(root.rglob("*.py")):
        src = area_of(path, root)
        where = f"{path.relative_to(root.parent)}"
        if src not in tiers:
            found.append(f"{where}: area {src!r} is not in docs/architecture.md")
            continue
        for name, line, relative in imports(path):
            parts = name.split(".")
            if relative:
                found.append(f"{where}:{line}: relative import (write wpt_core.…)")
                continue
            if parts[0] in ("agents", "data_collection"):
                found.append(f"{where}:{line}: imports {parts[0]} (wpt_core never imports the agent folders)")
                continue
            if parts[0] != "wpt_core" or len(parts) < 2 or parts[1] == src:
                continue
            dst = parts[1]
            if dst not in tiers:
                if (root / dst).exists() or (root / f"{dst}.py").exists():
                    found.append(f"{where}:{line}: imports {dst!r}, an area not in docs/architecture.md")
                continue
            if (src, dst) in forbidden:
                found.append(f"{where}:{line}: imports {dst} (forbidden edge)")
            elif tiers[dst] > tiers[src]:
                found.append(f"{where}:{line}: imports {dst} (imports upward)")
            elif tiers[dst] == tiers[src] and tiers[src] > 0 and (src, dst) not in allowed:
                found.append(f"{where}:{line}: imports {dst} (same-tier edge not in docs/architecture.md)")
    return found


def test_dependency_rules_hold():
    assert violations() == []


def test_rules_are_read_from_the_architecture_document():
    tiers, allowed, forbidden = load_rules()
    assert tiers["leaderboard"] == 0 and tiers["sim"] == 1 and tiers["evaluation"] == 2 and tiers["cli"] == 3
    assert ("sim", "data") in allowed and ("evaluation", "sim") in forbidden
    areas = {area_of(p, ROOT) for p in ROOT.rglob("*.py")}
    assert areas <= set(tiers)


def _fake_package(tmp_path: Path, files: dict) -> Path:
    root = tmp_path / "wpt_core"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_checker_catches_forbidden_upward_relative_and_unknown_imports(tmp_path):
    root = _fake_package(tmp_path, {
        "sim/bad.py": "from wpt_core.models import thing\n",
        "expert/up.py": "def f():\n    from wpt_core.evaluation import report\n",
        "data/rel.py": "from .labels import x\n",
        "gadgets/__init__.py": "",
        "control/odd.py": "import wpt_core.gadgets\n",
        "evaluation/report.py": "import data_collection.expert_agent\n",
    })
    found = "\n".join(violations(root))
    assert "sim/bad.py:1: imports models (forbidden edge)" in found
    assert "expert/up.py:2: imports evaluation (imports upward)" in found
    assert "data/rel.py:1: relative import" in found
    assert "area 'gadgets' is not in docs/architecture.md" in found
    assert "control/odd.py:1: imports 'gadgets', an area not in docs/architecture.md" in found
    assert "imports data_collection" in found


def _module_file(name: str) -> Path:
    path = ROOT.parent / (name.replace(".", "/") + ".py")
    return path if path.exists() else ROOT.parent / name.replace(".", "/") / "__init__.py"


def reachable(module: str):
    """Every wpt_core module `module` can import, following function-level imports too."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen or not _module_file(name).exists():
            continue
        seen.add(name)
        todo += [n for n, _, _ in imports(_module_file(name)) if n.startswith("wpt_core.")]
    return seen


def test_wpt_report_never_imports_the_embedded_simulator():
    modules = reachable("wpt_core.commands.report")
    assert "wpt_core.evaluation.report" in modules and "wpt_core.leaderboard.results_file" in modules
    assert sorted(m for m in modules if m.startswith("wpt_core.sim")) == []


def test_carla_is_imported_only_in_the_bridge_and_protocol():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("carla_bridge/") or rel == "protocol.py":
            continue
        if any(name.split(".")[0] == "carla" for name, _, _ in imports(path)):
            offenders.append(rel)
    assert offenders == []


def _docstrings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                yield first.value


def test_wpt_core_never_finds_data_collection_by_path():
    """Only docstrings may name data_collection/: no string in wpt_core builds a path into it."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text())
        docs = {id(node) for node in _docstrings(tree)}
        offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                      if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                      and "data_collection" in node.value]
    assert offenders == []


def test_agent_folders_are_entry_files_importing_only_wpt_core_and_the_standard_library():
    repo = ROOT.parent
    for folder in ("agents", "data_collection"):
        assert not (repo / folder / "__init__.py").exists()
        for path in (repo / folder).glob("*.py"):
            top = {name.split(".")[0] for name, _, relative in imports(path) if not relative}
            assert top <= {"wpt_core"} | set(sys.stdlib_module_names), (path, top)
