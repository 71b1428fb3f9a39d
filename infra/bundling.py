"""Builds the Lambda assets locally, without Docker.

- One layer holds the third-party dependencies of every function (functions/requirements.txt),
  installed by pip as manylinux aarch64 wheels for CPython 3.13. pip runs only when the
  requirements (or the pip arguments) change: a stamp file records the hash of the last build.
- Each function gets a staged directory with just its own package, functions/__init__.py and
  shared/, so a change in one stage does not redeploy the others. Staging is a plain copy and
  runs on every synth.
- Both are compiled to bytecode for the runtime's Python. Lambda's code directories are
  read-only, so without it every cold start compiles pydantic, Powertools and our modules
  from source (~300 ms more for a stage here). The bytecode must come from a 3.13
  interpreter (this machine's own Python writes another version's cache, which the runtime
  ignores); when none is found, synth warns and the assets go without.
"""

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from infra.constants import LAMBDA_RUNTIME

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_ROOT / ".build"
REQUIREMENTS_FILE = REPO_ROOT / "functions" / "requirements.txt"

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
STAMP_NAME = ".requirements.sha256"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".pytest_cache", ".mypy_cache")


class BundlingError(RuntimeError):
    """The assets cannot be built (pip failed, or a function package is missing)."""


def layer_hash(requirements: Path = REQUIREMENTS_FILE) -> str:
    """Hash of what determines the layer's content: the requirements and pip's target."""
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(" ".join(PIP_PLATFORM_ARGS + PROVIDED_BY_RUNTIME).encode())
    digest.update(b"bytecode" if runtime_python() else b"source only")
    return digest.hexdigest()


def build_layer(requirements: Path = REQUIREMENTS_FILE, build_dir: Path = BUILD_DIR) -> Path:
    """Returns the layer directory (holding python/), running pip only when needed."""
    layer_dir = build_dir / "layer"
    stamp = build_dir / f"layer{STAMP_NAME}"
    wanted = layer_hash(requirements)
    if (layer_dir / "python").is_dir() and stamp.is_file() and stamp.read_text() == wanted:
        return layer_dir

    # Install into a scratch directory and swap it in, so an interrupted pip never leaves a
    # half-built layer behind a valid stamp.
    scratch = build_dir / "layer.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        *PIP_PLATFORM_ARGS,
        "--target",
        str(scratch / "python"),
        "-r",
        str(requirements),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundlingError(f"building the Lambda layer failed:\n{result.stderr[-4000:]}")
    _prune_runtime_packages(scratch / "python")
    # Some packages ship files that are not valid 3.13 source (templates, samples): they are
    # never imported, and compileall skips them.
    compile_bytecode(scratch / "python", strict=False)

    shutil.rmtree(layer_dir, ignore_errors=True)
    scratch.rename(layer_dir)
    stamp.write_text(wanted)
    return layer_dir


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
    compile_bytecode(target)
    return target


@functools.cache
def runtime_python() -> str | None:
    """A Python of the runtime's version on this machine: ONEWINDOW_RUNTIME_PYTHON, then
    python3.13 on PATH, then pyenv's. None when there is none."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [
        os.environ.get(RUNTIME_PYTHON_VARIABLE),
        shutil.which(f"python{RUNTIME_VERSION}"),
        *sorted(str(p) for p in pyenv.glob(f"{RUNTIME_VERSION}.*/bin/python{RUNTIME_VERSION}")),
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


def compile_bytecode(root: Path, *, strict: bool = True) -> bool:
    """Writes __pycache__/*.cpython-313.pyc beside every module under root. unchecked-hash:
    the runtime uses the bytecode without comparing source timestamps, which the asset zip
    does not keep. Returns False (and warns) when no 3.13 interpreter is at hand."""
    python = runtime_python()
    if python is None:
        warnings.warn(
            f"no Python {RUNTIME_VERSION} found (set {RUNTIME_PYTHON_VARIABLE}): the Lambda "
            "assets go without bytecode, and every cold start compiles its modules",
            stacklevel=2,
        )
        return False
    command = [python, "-m", "compileall", "-q", "-j", "0"]
    command += ["--invalidation-mode", "unchecked-hash", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if strict and result.returncode != 0:
        raise BundlingError(f"compiling {root} failed:\n{result.stdout[-4000:]}")
    return True
