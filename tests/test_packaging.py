"""`pip install .` is the production route (README): the installed package must work from
any directory, without the repository beside it (issue 11, finding 11).

A wheel is built from a copy of the sources and installed into a fresh virtual environment,
without its dependencies, which come from this checkout's environment through a path entry
(installing numpy and the rest from an index would make the test slow and need a network).
Neither directory holds the repository, so `config` must come from the wheel. Building
fetches setuptools into pip's isolated build environment, as `pip install .` does.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "vendor", "*.egg-info")


def test_the_wheel_carries_config_and_runs_from_another_directory(
    project_dir: Path, tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("pyproject.toml", "README.md", "config.py"):
        shutil.copy(project_dir / name, sources / name)
    shutil.copytree(project_dir / "engage", sources / "engage", ignore=IGNORED)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(sources)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("engage-*.whl")

    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies, after the fresh environment's own packages (a plain path entry: the
    # checkout's editable install of engage is not picked up through it).
    (Path(purelib) / "engage-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {"PATH": f"{fresh / 'bin'}:/usr/bin:/bin", "ENGAGE_ENV": "test"}
    where = subprocess.run(
        [str(python), "-c", "import config, engage; print(config.__file__, engage.__file__)"],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert where.returncode == 0, where.stderr
    assert str(project_dir) not in where.stdout and purelib in where.stdout

    flask_help = subprocess.run(
        [str(fresh / "bin" / "python"), "-m", "flask", "--app", "engage", "--help"],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert flask_help.returncode == 0, flask_help.stderr
    assert "seed-demo" in flask_help.stdout and "db" in flask_help.stdout

    spc = subprocess.run(
        [str(python), "-c", "from engage.metrics.spc import xmr; print(callable(xmr))"],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert spc.stdout.strip() == "True", spc.stderr
