"""The Docker-free asset build: a cached dependency layer and staged function code."""

import subprocess
from pathlib import Path

import pytest

from infra import bundling


def _fake_pip(calls):
    def run(command, **_):
        calls.append(command)
        target = Path(command[command.index("--target") + 1])
        (target / "pydantic").mkdir(parents=True)
        (target / "botocore").mkdir()  # as if a dependency pulled it in
        (target / "botocore-1.0.0.dist-info").mkdir()
        (target / "bin").mkdir()
        return subprocess.CompletedProcess(command, 0, "", "")

    return run


@pytest.fixture(autouse=True)
def no_bytecode_unless_asked(monkeypatch):
    """pip is faked in most tests here: compiling is looked at by the tests that ask."""
    compiled: list[tuple[Path, bool]] = []

    def record(root: Path, *, strict: bool = True) -> bool:
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
    # Then pip ran once for manylinux aarch64 CPython 3.13 wheels into layer/python
    (command,) = calls
    assert command[1:4] == ["-m", "pip", "install"]
    for flag, value in [
        ("--platform", "manylinux2014_aarch64"),
        ("--implementation", "cp"),
        ("--python-version", "3.13"),
        ("-r", str(requirements)),
    ]:
        assert command[command.index(flag) + 1] == value
    assert "--only-binary=:all:" in command
    assert (layer / "python" / "pydantic").is_dir()
    # And the packages the runtime provides are pruned
    assert not list((layer / "python").glob("botocore*"))
    assert not (layer / "python" / "bin").exists()


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
    assert len(calls) == 1


def test_layer_is_rebuilt_when_requirements_change(monkeypatch, tmp_path, requirements):
    # Given a layer built from the current requirements
    calls: list[list[str]] = []
    monkeypatch.setattr(bundling.subprocess, "run", _fake_pip(calls))
    before = bundling.layer_hash(requirements)
    bundling.build_layer(requirements, tmp_path / "build")
    # When a pin changes
    requirements.write_text("pydantic==2.14.5\n")
    bundling.build_layer(requirements, tmp_path / "build")
    # Then pip runs again and the asset hash changes
    assert len(calls) == 2
    assert bundling.layer_hash(requirements) != before


def test_a_failed_pip_leaves_no_layer_behind(monkeypatch, tmp_path, requirements):
    # Given pip failing (no network, a missing wheel)
    def failing(command, **_):
        return subprocess.CompletedProcess(command, 1, "", "No matching distribution")

    monkeypatch.setattr(bundling.subprocess, "run", failing)
    # When the layer is built; Then the error says why and no stamp claims success
    with pytest.raises(bundling.BundlingError, match="No matching distribution"):
        bundling.build_layer(requirements, tmp_path / "build")
    assert not list((tmp_path / "build").glob("*.sha256"))


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


def test_bytecode_is_for_the_runtime_and_ignores_timestamps(monkeypatch, tmp_path):
    # Given this machine's Python 3.13, if it has one
    monkeypatch.undo()
    bundling.runtime_python.cache_clear()
    if bundling.runtime_python() is None:
        pytest.skip("no Python 3.13 on this machine")
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return event\n")
    # When a tree is compiled
    assert bundling.compile_bytecode(tmp_path)
    # Then there is 3.13 bytecode only, hash-based and unchecked (PEP 552 flags 0b01): the
    # runtime uses it whatever mtimes the deployment zip gives the sources
    [pyc] = (tmp_path / "__pycache__").iterdir()
    assert pyc.name == f"handler.cpython-{bundling.RUNTIME_VERSION.replace('.', '')}.pyc"
    assert int.from_bytes(pyc.read_bytes()[4:8], "little") == 0b01


def test_without_python_313_the_assets_go_without_bytecode(monkeypatch, tmp_path):
    # Given no Python 3.13 on this machine
    monkeypatch.undo()
    monkeypatch.setattr(bundling, "runtime_python", lambda: None)
    (tmp_path / "handler.py").write_text("")
    # When a tree is compiled; Then synth warns and carries on with the source alone
    with pytest.warns(UserWarning, match="ONEWINDOW_RUNTIME_PYTHON"):
        assert bundling.compile_bytecode(tmp_path) is False
    assert not (tmp_path / "__pycache__").exists()


def test_staging_a_function_without_a_handler_fails_clearly(tmp_path):
    # Given a source tree where the function's package is missing
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "__init__.py").write_text("")
    # When staging it; Then the error names the missing handler
    with pytest.raises(bundling.BundlingError, match=r"functions/issuance/handler\.py"):
        bundling.stage_function("issuance", tmp_path, tmp_path / "build")
