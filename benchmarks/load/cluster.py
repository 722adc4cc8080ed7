"""A PostgreSQL server of the fault run's own (initdb into a temporary folder, its own port),
so that restarting it disturbs nobody: the machine's main cluster on 5432 is shared with
other people and CI and is never touched. As root, the server runs as the postgres user
(PostgreSQL refuses to run as root)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise SystemExit("PostgreSQL's server programs (pg_ctl, initdb) are not installed")
    return Path(pg_ctl).parent


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Cluster:
    def __init__(self, port: int) -> None:
        self.bin = _bindir()
        if not _port_free(port):
            with socket.socket() as probe:  # 5440 taken (a second run?): any free port
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="engage-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgresql.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def _run(self, *command: str | Path) -> None:
        line = [str(part) for part in command]
        if self.as_root:
            line = ["runuser", "-u", "postgres", "--", *line]
        subprocess.run(line, check=True, capture_output=True, cwd=self.root)

    def _options(self) -> str:
        return f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"

    def create(self) -> None:
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-o",
            self._options(),
            "start",
        )

    def restart(self) -> None:
        """A fast restart: connections are cut, running transactions rolled back."""
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-m",
            "fast",
            "-o",
            self._options(),
            "restart",
        )

    def remove(self, keep_log: Path) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self.bin / "pg_ctl", "-D", self.data, "-w", "-m", "immediate", "stop")
        if self.log.exists():
            shutil.copy(self.log, keep_log)
        shutil.rmtree(self.root, ignore_errors=True)
