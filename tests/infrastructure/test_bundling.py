"""The Docker-free asset build: a cached dependency layer and staged function code."""

import subprocess
from pathlib import Path

import pytest

from infra import bundling


def _fake_pip(calls):
    """pip as far as bundling sees it: `download` fills the wheelhouse, `install` the target."""

    def run(command, **_):
        calls.append(command)
        if command[3] == "download":
            Path(command[command.index("--dest") + 1]).mkdir(parents=True, exist_ok=True)
            return subprocess.CompletedProcess(command, 0, "", "")
        target = Path(command[command.index("--target") + 1])
        (target / "pydantic").mkdir(parents=True)
        (target / "botocore").mkdir()  # as if a dependency pulled it in
        (target / "botocore-1.0.0.dist-info").mkdir()
        (target / "bin").mkdir()
        return subprocess.CompletedProcess(command, 0, "", "")

    return run


def _installs(calls):
    return [c for c in calls if c[3] == "install"]


@pytest.fixture(autouse=True)
def no_bytecode_unless_asked(monkeypatch):
    """pip is faked in most tests here: compiling is looked at by the tests that ask."""
    compiled: list[tuple[Path, bool]] = []

    def record(root: Path, *, strict: bool = True, cache: Path | None = None) -> bool:
        compiled.append((root, strict))
        return True

    monkeypatch.setattr(bundling, "compile_bytecode", record)
    monkeypatch.setattr(bundling, "runtime_python", lambda: "/usr/bin/python3.13")
    return compiled


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text("pydantic==2.14.4\n")
    return path


def test_layer_is_built_for_lambda_with_pip(monkeypatch, tmp_path, requirements):
    # Given no previous build
    calls: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip(calls))
    # When the layer is built
    layer = bundling.build_layer(requirements, tmp_path / "build")
    # Then pip downloaded manylinux aarch64 CPython 3.13 wheels, then installed them from
    # that wheelhouse alone into layer/python
    download, install = calls
    wheelhouse = str(tmp_path / "build" / "wheels")
    assert download[1:4] == ["-m", "pip", "download"]
    assert install[1:4] == ["-m", "pip", "install"]
    for command in (download, install):
        for flag, value in [
            ("--platform", "manylinux2014_aarch64"),
            ("--implementation", "cp"),
            ("--python-version", "3.13"),
            ("-r", str(requirements)),
        ]:
            assert command[command.index(flag) + 1] == value
        assert "--only-binary=:all:" in command
    assert download[download.index("--dest") + 1] == wheelhouse
    assert "--no-index" in install and install[install.index("--find-links") + 1] == wheelhouse
    assert (layer / "python" / "pydantic").is_dir()
    # And the packages the runtime provides are pruned
    assert not list((layer / "python").glob("botocore*"))
    assert not (layer / "python" / "bin").exists()


def test_wheels_fetched_once_serve_every_later_build_offline(monkeypatch, tmp_path, requirements):
    # Given the wheels fetched ahead (make setup), then the network gone
    calls: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip(calls))
    bundling.fetch_wheels(requirements, tmp_path / "build")
    # When the layer is built, and built again once bytecode can no longer be made
    bundling.build_layer(requirements, tmp_path / "build")
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    bundling.build_layer(requirements, tmp_path / "build")
    # Then pip downloaded once, and only ever installed from the wheelhouse after that
    assert [c[3] for c in calls] == ["download", "install", "install"]
    assert all("--no-index" in c for c in _installs(calls))


def test_layer_is_compiled_for_the_runtime(
    monkeypatch, tmp_path, requirements, no_bytecode_unless_asked
):
    # Given pip installing the wheels
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip([]))
    # When the layer is built
    bundling.build_layer(requirements, tmp_path / "build")
    # Then its packages are compiled once, leniently (third-party samples may not compile)
    [(root, strict)] = no_bytecode_unless_asked
    assert (root.name, strict) == ("python", False)


def test_layer_is_rebuilt_when_bytecode_becomes_possible(monkeypatch, requirements):
    # Given the layer's hash on a machine with Python 3.13
    with_bytecode = bundling.layer_hash(requirements)
    # When there is none; Then the hash differs, so the two builds never share a stamp
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    assert bundling.layer_hash(requirements) != with_bytecode


def test_layer_is_not_rebuilt_while_requirements_are_unchanged(monkeypatch, tmp_path, requirements):
    # Given a layer built from the current requirements
    calls: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip(calls))
    bundling.build_layer(requirements, tmp_path / "build")
    # When the layer is asked for again
    bundling.build_layer(requirements, tmp_path / "build")
    # Then pip does not run a second time
    assert [c[3] for c in calls] == ["download", "install"]


def test_layer_is_rebuilt_when_requirements_change(monkeypatch, tmp_path, requirements):
    # Given a layer built from the current requirements
    calls: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip(calls))
    before = bundling.layer_hash(requirements)
    bundling.build_layer(requirements, tmp_path / "build")
    # When a pin changes
    requirements.write_text("pydantic==2.14.5\n")
    bundling.build_layer(requirements, tmp_path / "build")
    # Then pip downloads and installs again, and the asset hash changes
    assert [c[3] for c in calls] == ["download", "install"] * 2
    assert bundling.layer_hash(requirements) != before


def test_a_failed_pip_leaves_no_layer_behind(monkeypatch, tmp_path, requirements):
    # Given pip failing (no network before make setup, a missing wheel)
    def failing(command, **_):
        return subprocess.CompletedProcess(command, 1, "", "No matching distribution")

    monkeypatch.setattr(bundling.subprocess, "run", failing)
    # When the layer is built; Then the error says why and no stamp claims success
    with pytest.raises(bundling.BundlingError, match="No matching distribution"):
        bundling.build_layer(requirements, tmp_path / "build")
    assert not list((tmp_path / "build").rglob("*.sha256"))


def test_staging_copies_one_function_with_shared_and_no_bytecode(tmp_path):
    # Given a source tree with two functions, shared code and stray bytecode
    source = tmp_path / "src"
    for path in [
        "functions/__init__.py",
        "functions/acceptance/__init__.py",
        "functions/acceptance/handler.py",
        "functions/acceptance/__pycache__/handler.cpython-311.pyc",
        "functions/approval/handler.py",
        "shared/__init__.py",
        "shared/data/catalog.json",
    ]:
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text("x")
    # When the acceptance function is staged
    staged = bundling.stage_function("acceptance", source, tmp_path / "build")
    # Then it has its own package and shared/, but not the other function nor bytecode
    files = sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file())
    assert files == [
        "functions/__init__.py",
        "functions/acceptance/__init__.py",
        "functions/acceptance/handler.py",
        "shared/__init__.py",
        "shared/data/catalog.json",
    ]


def test_staged_code_is_compiled_for_the_runtime(tmp_path, no_bytecode_unless_asked):
    # Given a function's source
    source = tmp_path / "src"
    for path in ["functions/__init__.py", "functions/approval/handler.py", "shared/__init__.py"]:
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text("")
    # When it is staged; Then the staged tree is compiled, strictly (our code must compile)
    staged = bundling.stage_function("approval", source, tmp_path / "build")
    assert no_bytecode_unless_asked == [(staged, True)]


def _assert_runtime_bytecode(tree: Path) -> None:
    # 3.13 bytecode only, hash-based and unchecked (PEP 552 flags 0b01): the runtime uses it
    # whatever mtimes the deployment zip gives the sources
    [pyc] = (tree / "__pycache__").iterdir()
    assert pyc.name == f"handler.{bundling.PYC_TAG}.pyc"
    assert pyc.read_bytes()[:4] == PYTHON_313_MAGIC
    assert int.from_bytes(pyc.read_bytes()[4:8], "little") == 0b01


# importlib.util.MAGIC_NUMBER of every CPython 3.13 release (3571).
PYTHON_313_MAGIC = (3571).to_bytes(2, "little") + b"\r\n"


def test_bytecode_is_for_the_runtime_and_ignores_timestamps(monkeypatch, tmp_path):
    # Given the 3.13 interpreter bundling finds here (make setup installs one if need be)
    monkeypatch.undo()
    bundling.runtime_python.cache_clear()
    assert bundling.runtime_python(), "no Python 3.13: run make setup"
    (tmp_path / "src" / "handler.py").parent.mkdir()
    (tmp_path / "src" / "handler.py").write_text(HANDLER)
    # When a tree is compiled; Then it carries the runtime's bytecode
    assert bundling.compile_bytecode(tmp_path / "src", cache=tmp_path / "cache")
    _assert_runtime_bytecode(tmp_path / "src")


HANDLER = "def handler(event, context):\n    return event\n"


@pytest.mark.slow
def test_pyodide_writes_the_runtime_bytecode(monkeypatch, tmp_path):
    # Given only the Python 3.13 that make setup installs (Pyodide's, via npm)
    monkeypatch.undo()
    monkeypatch.setenv(bundling.RUNTIME_PYTHON_VARIABLE, str(bundling.PYODIDE_LAUNCHER))
    bundling.runtime_python.cache_clear()
    assert bundling.runtime_python() == str(bundling.PYODIDE_LAUNCHER)
    (tmp_path / "src" / "handler.py").parent.mkdir()
    (tmp_path / "src" / "handler.py").write_text(HANDLER)
    # When a tree is compiled; Then it has the same bytecode a native 3.13 writes
    try:
        assert bundling.compile_bytecode(tmp_path / "src", cache=tmp_path / "cache")
    finally:
        bundling.runtime_python.cache_clear()
    _assert_runtime_bytecode(tmp_path / "src")


def test_sources_compiled_once_are_not_compiled_again(monkeypatch, tmp_path):
    # Given one tree compiled through a (recording) 3.13 interpreter
    monkeypatch.undo()
    bundling.runtime_python.cache_clear()
    compiled: list[list[tuple[Path, Path]]] = []
    real = bundling._compile
    monkeypatch.setattr(
        bundling,
        "_compile",
        lambda python, root, jobs: compiled.append(jobs) or real(python, root, jobs),
    )
    for tree in ("first", "second"):
        (tmp_path / tree / "handler.py").parent.mkdir()
        (tmp_path / tree / "handler.py").write_text(HANDLER)
    bundling.compile_bytecode(tmp_path / "first", cache=tmp_path / "cache")
    # When another tree with the same source is compiled
    bundling.compile_bytecode(tmp_path / "second", cache=tmp_path / "cache")
    # Then the interpreter ran once, and both trees have the bytecode
    assert len(compiled) == 1
    _assert_runtime_bytecode(tmp_path / "second")


def test_a_module_that_does_not_compile_fails_the_staging(monkeypatch, tmp_path):
    # Given our own code with a syntax error
    monkeypatch.undo()
    bundling.runtime_python.cache_clear()
    (tmp_path / "broken.py").write_text("def handler(:\n")
    # When compiled strictly; Then the error names the module
    with pytest.raises(bundling.BundlingError, match=r"broken\.py: SyntaxError"):
        bundling.compile_bytecode(tmp_path, cache=tmp_path / "cache")


def test_without_python_313_synth_warns_outside_ci(monkeypatch, tmp_path):
    # Given no Python 3.13 on a machine that is not CI, outside make
    monkeypatch.undo()
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(bundling.REQUIRE_BYTECODE_VARIABLE, raising=False)
    (tmp_path / "handler.py").write_text("")
    # When a tree is compiled; Then synth warns and carries on with the source alone
    with pytest.warns(UserWarning, match="ONEWINDOW_RUNTIME_PYTHON"):
        assert bundling.compile_bytecode(tmp_path) is False
    assert not (tmp_path / "__pycache__").exists()


@pytest.mark.parametrize(
    "variable", [("CI", "true"), (bundling.REQUIRE_BYTECODE_VARIABLE, "1")], ids=["ci", "make"]
)
def test_without_python_313_synth_fails_in_ci_and_under_make(monkeypatch, tmp_path, variable):
    # Given no Python 3.13, in CI or under make (which sets ONEWINDOW_REQUIRE_BYTECODE)
    monkeypatch.undo()
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(*variable)
    (tmp_path / "handler.py").write_text("")
    # When a tree is compiled; Then synth stops, saying how to get one
    with pytest.raises(bundling.BundlingError, match="make setup"):
        bundling.compile_bytecode(tmp_path)


def test_staging_a_function_without_a_handler_fails_clearly(tmp_path):
    # Given a source tree where the function's package is missing
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "__init__.py").write_text("")
    # When staging it; Then the error names the missing handler
    with pytest.raises(bundling.BundlingError, match=r"functions/issuance/handler\.py"):
        bundling.stage_function("issuance", tmp_path, tmp_path / "build")
