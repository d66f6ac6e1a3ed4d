"""A real PostgreSQL server for the shared-study tests, started here and stopped after them.

It uses the server binaries of the machine (Debian's ``postgresql`` package: ``initdb`` and
``pg_ctl`` on PATH or under /usr/lib/postgresql/*/bin); if there are none and we are root with
apt-get, it installs Debian's ``postgresql`` first. As root, the server runs as the ``postgres``
user (PostgreSQL refuses to run as root). Only if all of that fails are the tests skipped, with
the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest


def _binaries() -> tuple[str, str] | None:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(f"{folder}/initdb") and os.path.exists(f"{folder}/pg_ctl"):
            return f"{folder}/initdb", f"{folder}/pg_ctl"
    return None


def _install_with_apt() -> str:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "not root or no apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "postgresql"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "postgresql"]):  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
        if command[1] == "install" and result.returncode == 0:
            return ""
    return result.stderr[-300:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgresql_url():
    found = _binaries()
    if found is None:
        problem = _install_with_apt()
        found = _binaries()
        if found is None:
            pytest.skip(
                f"no PostgreSQL server: initdb/pg_ctl not found and apt-get install postgresql failed ({problem})"
            )
    initdb, pg_ctl = found
    prefix: list[str] = []
    folder = tempfile.mkdtemp(prefix="neuronlab-pg-")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the PostgreSQL server as")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    run = lambda *args: subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)  # noqa: E731
    made = run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    if made.returncode:
        pytest.skip(f"initdb failed: {made.stderr[-500:]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = run(
        pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w", "-t", "60", "start"
    )
    if started.returncode:
        pytest.skip(f"pg_ctl start failed: {started.stdout[-300:]} {started.stderr[-300:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(pg_ctl, "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
