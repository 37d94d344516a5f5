"""`import wpt_core.<anything>` must work with no carla, leaderboard, SUMO or torch installed, except the
learning code that is PyTorch itself (`models`, `training` — their config modules excepted — the
world-model, open-loop and latency evaluations, and the agent's driver, which runs a policy)."""
import subprocess
import sys
import textwrap

BLOCKED = ["carla", "leaderboard", "srunner", "libsumo", "sumolib", "traci", "sumo", "torch", "tensorboard"]
TORCH_AREAS = ("wpt_core.models.", "wpt_core.training.", "wpt_core.evaluation.world_model_eval",
               "wpt_core.evaluation.open_loop", "wpt_core.evaluation.reward_rows", "wpt_core.evaluation.latency",
               "wpt_core.deploy.driver")
TORCH_FREE = {"wpt_core.models.model_config", "wpt_core.training.profile", "wpt_core.deploy.agent_config",
              "wpt_core.deploy.localisation", "wpt_core.deploy.frame_check", "wpt_core.deploy.history"}


def test_every_module_imports_with_optional_packages_blocked():
    script = textwrap.dedent(f"""
        import importlib, importlib.abc, pkgutil, sys
        BLOCKED = {BLOCKED!r}
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in BLOCKED:
                    raise ImportError('blocked for this test: ' + name)
        sys.meta_path.insert(0, Block())
        import wpt_core
        names = [m.name for m in pkgutil.walk_packages(wpt_core.__path__, 'wpt_core.')]
        needs_torch = []
        for name in names:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                assert 'blocked for this test: torch' in str(exc), (name, exc)
                needs_torch.append(name)
        leaked = sorted(m for m in sys.modules if m.split('.')[0] in BLOCKED)
        assert not leaked, leaked
        print(len(names), ' '.join(needs_torch))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    count, *needs_torch = out.stdout.strip().splitlines()[-1].split()
    assert int(count) >= 10
    assert needs_torch, "the learning modules should need torch"
    assert all(name.startswith(TORCH_AREAS) for name in needs_torch), needs_torch
    assert not TORCH_FREE & set(needs_torch)


def test_cli_parser_builds_without_torch():
    script = textwrap.dedent("""
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] == 'torch':
                    raise ImportError('blocked')
        sys.meta_path.insert(0, Block())
        from wpt_core.cli import main
        sys.exit(main(['train', 'world-model', '--data', 'x', '--out', 'y']))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 2, out.stderr[-3000:]
    assert out.stderr.strip().splitlines() == ["wpt train world-model: PyTorch is missing; install the train extra "
                                               "(bash scripts/setup_env.sh)"]
