"""Building the wheel compiles the models and ships numba's cache (hatch_build.py): installed
elsewhere, with new file dates, the cache loads and nothing compiles; a changed source compiles."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "flashpoint"


def load_hook_module():
    pytest.importorskip("hatchling")  # in the test extra; needed to import the hook
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN_THE_MODELS = """
import sys
from flashpoint.analysis.warmup import run_once
from flashpoint.engine.compilation import on_compile
from flashpoint.models.registry import MODELS

where = sys.modules["flashpoint"].__file__
assert where.startswith(sys.argv[1]), where  # the installed copy, not another flashpoint
compiled = []
with on_compile(lambda: compiled.append(1)):
    for name, spec in MODELS.items():
        if spec.compile_seconds > 0:
            run_once(name, spec.options())
print("compiled" if compiled else "loaded")
"""


def run_the_models(site: Path) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    environment["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-c", RUN_THE_MODELS, str(site)],
        cwd=site, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def install(files: dict[str, str], site: Path) -> None:
    """What installing the wheel does: the package's files, written anew (new dates), and the
    cache files at their place in the wheel."""
    shutil.copytree(PACKAGE, site / "flashpoint", ignore=shutil.ignore_patterns("__pycache__"))
    for source, in_wheel in files.items():
        target = site / in_wheel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(source).read_bytes())


def test_the_shipped_cache_loads_after_installing_and_a_changed_source_compiles(tmp_path):
    hook = load_hook_module()
    build = tmp_path / "build"
    build.mkdir()
    files = hook.compile_models(PACKAGE, build)
    in_wheel = set(files.values())
    for model in ("eum", "exchange", "smp"):
        assert any(
            path.startswith(f"flashpoint/models/{model}/__pycache__/") and path.endswith(".nbi")
            for path in in_wheel
        ), model
    for summed in ("add_columns", "rounded_columns"):  # a summed-up forecast's exact sums
        assert any(f"models/__pycache__/exact_sum.{summed}-" in path for path in in_wheel), summed
    assert all(Path(source).is_file() for source in files)

    site = tmp_path / "site"
    install(files, site)
    assert run_the_models(site) == "loaded"

    compiled_round = site / "flashpoint" / "models" / "eum" / "round.py"  # EUM's compiled code
    compiled_round.write_text(compiled_round.read_text() + "\n# changed after the build\n")
    assert run_the_models(site) == "compiled"


class App:
    def __init__(self):
        self.warnings: list[str] = []

    def display_info(self, message: str) -> None:
        pass

    def display_warning(self, message: str) -> None:
        self.warnings.append(message)


def make_hook(module, root: Path, app: App):
    return module.CustomBuildHook(str(root), {}, None, None, str(root / "dist"), "wheel", app)


@pytest.mark.parametrize(
    ("version", "setting"),
    [("editable", None), ("standard", "0")],
    ids=["editable", "switched-off"],
)
def test_editable_installs_and_a_switched_off_build_compile_nothing(
    monkeypatch, tmp_path, version, setting
):
    module = load_hook_module()
    if setting is not None:
        monkeypatch.setenv("FLASHPOINT_PRECOMPILE", setting)
    monkeypatch.setattr(module, "compile_models", lambda *_: pytest.fail("compiled"))
    build_data = {"force_include": {}}
    make_hook(module, tmp_path, App()).initialize(version, build_data)
    assert build_data == {"force_include": {}}


def test_a_failed_compile_builds_the_wheel_without_the_cache_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    module = load_hook_module()
    broken = tmp_path / "src" / "flashpoint"
    (broken / "analysis").mkdir(parents=True)
    (broken / "__init__.py").write_text("")
    (broken / "analysis" / "__init__.py").write_text("")
    (broken / "analysis" / "warmup.py").write_text("raise RuntimeError('no compiler here')\n")
    app = App()
    build_data = {"force_include": {}}
    hook = make_hook(module, tmp_path, app)
    hook.initialize("standard", build_data)
    hook.finalize("standard", build_data, str(tmp_path / "dist" / "x.whl"))
    assert build_data == {"force_include": {}}
    assert len(app.warnings) == 1 and "no compiler here" in app.warnings[0]


def fake_package(root: Path) -> Path:
    package = root / "src" / "flashpoint"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    return package


@pytest.mark.parametrize("kept", [True, False], ids=["kept", "switched-off"])
def test_a_second_build_of_the_same_source_copies_the_first_builds_models(
    monkeypatch, tmp_path, kept
):
    """The README's second command builds the wheel again: it takes the models the first build
    compiled (unless FLASHPOINT_BUILD_CACHE=0); a changed source file compiles again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if not kept:
        monkeypatch.setenv("FLASHPOINT_BUILD_CACHE", "0")
    module = load_hook_module()
    package = fake_package(tmp_path)
    compiles = []

    def compile_models(source: Path, workdir: Path) -> dict[str, str]:
        compiles.append(source)
        cached = workdir / "flashpoint" / "__pycache__" / "m.nbi"
        cached.parent.mkdir(parents=True)
        cached.write_bytes(b"compiled " + (source / "__init__.py").read_bytes())
        return {str(cached): "flashpoint/__pycache__/m.nbi"}

    monkeypatch.setattr(module, "compile_models", compile_models)

    def build() -> dict[str, bytes]:
        build_data = {"force_include": {}}
        hook = make_hook(module, tmp_path, App())
        hook.initialize("standard", build_data)
        shipped = {
            in_wheel: Path(source).read_bytes()
            for source, in_wheel in build_data["force_include"].items()
        }
        hook.finalize("standard", build_data, str(tmp_path / "dist" / "x.whl"))
        return shipped

    first = build()
    assert first == {"flashpoint/__pycache__/m.nbi": b"compiled VALUE = 1\n"}
    assert build() == first
    assert len(compiles) == (1 if kept else 2)
    (package / "__init__.py").write_text("VALUE = 2\n")
    assert build() == {"flashpoint/__pycache__/m.nbi": b"compiled VALUE = 2\n"}
    assert len(compiles) == (2 if kept else 3)
