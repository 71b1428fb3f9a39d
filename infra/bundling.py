"""Builds the Lambda assets locally, without Docker.

- One layer holds the third-party dependencies of every function (functions/requirements.txt),
  installed by pip as manylinux aarch64 wheels for CPython 3.13. The wheels are downloaded
  once into a wheelhouse (`make setup` does it: `python -m infra.bundling`), and the layer
  is installed from there with --no-index, so synth and the tests need no network. pip runs
  only when the requirements (or the pip arguments) change: stamp files record the hash of
  the last download and of the last build.
- Each function gets a staged directory with just its own package, functions/__init__.py and
  shared/, so a change in one stage does not redeploy the others. Staging is a plain copy and
  runs on every synth.
- Both are compiled to bytecode for the runtime's Python. Lambda's code directories are
  read-only, so without it every cold start compiles pydantic, Powertools and our modules
  from source (~300 ms more for a stage here). The bytecode must come from a 3.13
  interpreter (this machine's own Python writes another version's cache, which the runtime
  ignores): a native python3.13 when there is one, else Pyodide's CPython 3.13
  (infra/python313.mjs, installed by `npm ci`). Compiled files are kept by source hash, so
  a synth compiles only what changed. Without a 3.13, synth fails in CI and under make
  (ONEWINDOW_REQUIRE_BYTECODE=1); elsewhere it warns and the assets go without.
"""

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from infra.constants import LAMBDA_RUNTIME

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / ".build"
REQUIREMENTS_FILE = REPO_ROOT / "functions" / "requirements.txt"
# CPython 3.13 as WebAssembly (Pyodide), for machines without a native one.
PYODIDE_LAUNCHER = REPO_ROOT / "infra" / "python313.mjs"
PYODIDE_PACKAGE = REPO_ROOT / "infra" / "node_modules" / "pyodide"

# pip options that make the wheels match the Lambda runtime (python3.13 on Graviton, ARM64).
PIP_PLATFORM_ARGS = (
    "--platform",
    "manylinux2014_aarch64",
    "--implementation",
    "cp",
    "--python-version",
    LAMBDA_RUNTIME.removeprefix("python"),  # "3.13"
    "--only-binary=:all:",
)
# The python3.13 runtime ships boto3/botocore/s3transfer as a matching set; should a
# dependency pull in botocore, a layer copy would shadow the runtime's and could mismatch.
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")
RUNTIME_VERSION = LAMBDA_RUNTIME.removeprefix("python")  # "3.13"
# Names the interpreter to compile bytecode with, when it is not found on its own.
RUNTIME_PYTHON_VARIABLE = "ONEWINDOW_RUNTIME_PYTHON"
# Set to 1 (make does) to make a synth without 3.13 bytecode fail; CI=true does the same.
REQUIRE_BYTECODE_VARIABLE = "ONEWINDOW_REQUIRE_BYTECODE"
PYC_TAG = f"cpython-{RUNTIME_VERSION.replace('.', '')}"
STAMP_NAME = ".requirements.sha256"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".pytest_cache", ".mypy_cache")


class BundlingError(RuntimeError):
    """The assets cannot be built (pip failed, or a function package is missing)."""


def layer_hash(requirements: Path = REQUIREMENTS_FILE) -> str:
    """Hash of what determines the layer's content: the requirements and pip's target."""
    digest = hashlib.sha256(wheels_hash(requirements).encode())
    digest.update(" ".join(PROVIDED_BY_RUNTIME).encode())
    digest.update(b"bytecode" if runtime_python() else b"source only")
    return digest.hexdigest()


def wheels_hash(requirements: Path = REQUIREMENTS_FILE) -> str:
    """Hash of what determines the wheelhouse: the requirements and the platform asked for."""
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(" ".join(PIP_PLATFORM_ARGS).encode())
    return digest.hexdigest()


def fetch_wheels(requirements: Path = REQUIREMENTS_FILE, build_dir: Path = BUILD_DIR) -> Path:
    """Downloads the layer's wheels (and their dependencies') for the Lambda platform into
    build_dir/wheels, unless the last download was for the same requirements. The one
    step of a synth that needs the network: `make setup` runs it."""
    wheelhouse = build_dir / "wheels"
    stamp = wheelhouse / STAMP_NAME
    wanted = wheels_hash(requirements)
    if stamp.is_file() and stamp.read_text() == wanted:
        return wheelhouse
    stamp.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    command += [*PIP_PLATFORM_ARGS, "--dest", str(wheelhouse), "-r", str(requirements)]
    _run_pip(command, "downloading the Lambda layer's wheels")
    stamp.write_text(wanted)
    return wheelhouse


def build_layer(requirements: Path = REQUIREMENTS_FILE, build_dir: Path = BUILD_DIR) -> Path:
    """Returns the layer directory (holding python/), running pip only when needed."""
    layer_dir = build_dir / "layer"
    stamp = build_dir / f"layer{STAMP_NAME}"
    wanted = layer_hash(requirements)
    if (layer_dir / "python").is_dir() and stamp.is_file() and stamp.read_text() == wanted:
        return layer_dir

    wheelhouse = fetch_wheels(requirements, build_dir)
    # Install into a scratch directory and swap it in, so an interrupted pip never leaves a
    # half-built layer behind a valid stamp.
    scratch = build_dir / "layer.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-compile", "--no-index", "--find-links", str(wheelhouse)]
    command += [*PIP_PLATFORM_ARGS, "--target", str(scratch / "python"), "-r", str(requirements)]
    _run_pip(command, "building the Lambda layer")
    _prune_runtime_packages(scratch / "python")
    # Some packages ship files that are not valid 3.13 source (templates, samples): they are
    # never imported, and are left uncompiled.
    compile_bytecode(scratch / "python", strict=False, cache=build_dir / "bytecode")

    shutil.rmtree(layer_dir, ignore_errors=True)
    scratch.rename(layer_dir)
    stamp.write_text(wanted)
    return layer_dir


def _run_pip(command: list[str], doing: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundlingError(f"{doing} failed:\n{result.stderr[-4000:]}")


def _prune_runtime_packages(site: Path) -> None:
    for entry in site.iterdir():
        if entry.is_dir() and entry.name.split("-")[0].lower() in PROVIDED_BY_RUNTIME:
            shutil.rmtree(entry)
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts; useless in a layer


def stage_function(key: str, source_root: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> Path:
    """Copies functions/__init__.py, functions/<key>/ and shared/ into .build/functions/<key>/."""
    package = source_root / "functions" / key
    if not (package / "handler.py").is_file():
        raise BundlingError(f"functions/{key}/handler.py is missing: no code for function {key!r}")

    target = build_dir / "functions" / key
    shutil.rmtree(target, ignore_errors=True)
    (target / "functions").mkdir(parents=True)
    shutil.copy2(source_root / "functions" / "__init__.py", target / "functions" / "__init__.py")
    shutil.copytree(package, target / "functions" / key, ignore=IGNORED)
    shutil.copytree(source_root / "shared", target / "shared", ignore=IGNORED)
    compile_bytecode(target, cache=build_dir / "bytecode")
    return target


@functools.cache
def runtime_python() -> str | None:
    """A Python of the runtime's version on this machine: ONEWINDOW_RUNTIME_PYTHON, then
    python3.13 on PATH, then pyenv's, then Pyodide's (installed by `npm ci --prefix infra`).
    None when there is none."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [
        os.environ.get(RUNTIME_PYTHON_VARIABLE),
        shutil.which(f"python{RUNTIME_VERSION}"),
        *sorted(str(p) for p in pyenv.glob(f"{RUNTIME_VERSION}.*/bin/python{RUNTIME_VERSION}")),
        str(PYODIDE_LAUNCHER) if PYODIDE_PACKAGE.is_dir() and shutil.which("node") else None,
    ]
    for candidate in filter(None, candidates):
        try:
            answer = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        # A pyenv shim exists on PATH even when that version is not selected: it fails here.
        if answer.returncode == 0 and answer.stdout.strip() == RUNTIME_VERSION:
            return candidate
    return None


def bytecode_required() -> bool:
    """In CI and under make, assets without the runtime's bytecode are an error."""
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get(REQUIRE_BYTECODE_VARIABLE) == "1"
    )


# Run by the 3.13 interpreter: compiles each (source, cached .pyc, shown name) of a JSON
# list, hash-based and unchecked, and prints the sources that do not compile.
_COMPILER = """
import json, py_compile, sys
failed = []
for source, target, shown in json.load(open(sys.argv[1])):
    try:
        py_compile.compile(source, target, shown, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError as error:
        failed.append(shown + ": " + error.msg.strip().splitlines()[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def compile_bytecode(
    root: Path, *, strict: bool = True, cache: Path = BUILD_DIR / "bytecode"
) -> bool:
    """Writes __pycache__/*.cpython-313.pyc beside every module under root. unchecked-hash:
    the runtime uses the bytecode without comparing source timestamps, which the asset zip
    does not keep. Compiled files are kept in `cache` by source hash, and the interpreter
    runs only for sources not seen before (starting Pyodide takes seconds). Returns False,
    and warns, when no 3.13 interpreter is at hand; raises instead when bytecode is
    required (CI, make) or, with strict, when a module does not compile."""
    python = runtime_python()
    if python is None:
        message = (
            f"no Python {RUNTIME_VERSION} found (set {RUNTIME_PYTHON_VARIABLE}, or run "
            "`make setup` for Pyodide's): the Lambda assets would go without bytecode, and "
            "every cold start would compile its modules"
        )
        if bytecode_required():
            raise BundlingError(message)
        warnings.warn(message, stacklevel=2)
        return False
    sources = {s: cache / f"{_source_hash(s)}.pyc" for s in _modules(root)}
    missing = [(s, pyc) for s, pyc in sources.items() if not pyc.is_file()]
    if missing:
        failures = _compile(python, root, missing)
        if strict and failures:
            raise BundlingError(f"compiling {root} failed:\n{failures[-4000:]}")
    for source, pyc in sources.items():
        if pyc.is_file():  # not when a lenient compile skipped a source that is not Python
            target = source.parent / "__pycache__" / f"{source.stem}.{PYC_TAG}.pyc"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(pyc, target)
    return True


def _modules(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts and p.is_file()]


def _source_hash(source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes())
    digest.update(PYC_TAG.encode())
    return digest.hexdigest()


def _compile(python: str, root: Path, jobs: list[tuple[Path, Path]]) -> str:
    """Compiles the jobs in one run of the interpreter; returns what failed, if anything.
    The name shown in tracebacks is the path under root (Python replaces it with the real
    path on import, so one cached file serves every asset holding the same source)."""
    jobs[0][1].parent.mkdir(parents=True, exist_ok=True)
    listed = [[str(s), str(pyc), str(s.relative_to(root))] for s, pyc in jobs]
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=jobs[0][1].parent) as manifest:
        json.dump(listed, manifest)
        manifest.flush()
        result = subprocess.run(
            [python, "-c", _COMPILER, manifest.name],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        return (result.stdout + result.stderr).strip() or f"exit status {result.returncode}"
    return ""


if __name__ == "__main__":
    # `make setup`: everything synth needs from the network, fetched ahead of time.
    print(f"Lambda layer wheels in {fetch_wheels()}")
