"""One way to start the stack: the quick-start line of docker-compose.yml and the "First start"
steps of docs/deployment.md are the same commands in the same order, and scripts/create-config-dirs
(one of them) creates exactly the ${CONFIG} folders the compose file bind-mounts, owned by uid 1000,
so web and prosody do not exit at start."""

from __future__ import annotations

import os
import pwd
import re
import subprocess
from pathlib import Path

from compose_env import (COMPOSE_FILE, ENV_EXAMPLE, REPO_ROOT, compose_config, make_env_file, read_env_file,
                         set_env_values)

CREATE_CONFIG_DIRS = REPO_ROOT / "scripts" / "create-config-dirs"
GUIDE = REPO_ROOT / "docs" / "deployment.md"
UPSTREAM_UID = 1000


def _quick_start_commands() -> list[str]:
    lines = [l for l in COMPOSE_FILE.read_text().splitlines() if l.startswith("#") and "cp .env.example" in l]
    assert len(lines) == 1, lines
    return [c.strip() for c in lines[0].lstrip("#").split("&&")]


def _guide_first_start_commands() -> list[str]:
    section = GUIDE.read_text().split("\n## First start\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                commands.append(command)
    return commands


def test_compose_header_and_guide_start_the_same_way():
    quick = _quick_start_commands()
    assert "scripts/create-config-dirs" in quick
    assert quick.index("scripts/gen-passwords") < quick.index("scripts/create-config-dirs") < len(quick) - 1
    guide = _guide_first_start_commands()
    # The guide's steps are the header's, in order (it may clone first).
    positions = [guide.index(c) for c in quick]
    assert positions == sorted(positions), (quick, guide)
    # and nothing else creates or chowns the folders by hand any more.
    assert not [c for c in guide if c.startswith(("mkdir", "sudo chown", "chown"))], guide


def _config_bind_sources(config: dict, config_dir: Path) -> set[Path]:
    sources = set()
    for service in config["services"].values():
        for mount in service.get("volumes") or []:
            source = Path(mount.split(":", 1)[0])
            if source.is_relative_to(config_dir):
                sources.add(source)
    return sources


def test_create_config_dirs_makes_every_mounted_folder_for_uid_1000(tmp_path):
    config_dir = tmp_path / "meet-cfg"
    env_file = make_env_file(tmp_path / "env", {"CONFIG": str(config_dir)})
    sources = _config_bind_sources(compose_config(env_file), config_dir)
    assert len(sources) >= 7, sources  # web, jicofo, prosody x2, storage x3
    assert not any(s.exists() for s in sources)
    for _ in range(2):  # idempotent
        r = subprocess.run([str(CREATE_CONFIG_DIRS), str(env_file)], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
        for source in sources:
            assert source.is_dir(), source
            st = source.stat()
            assert (st.st_uid, st.st_gid) == (UPSTREAM_UID, UPSTREAM_UID), source


def _print_dir(env_file: Path, **env: str) -> str:
    r = subprocess.run([str(CREATE_CONFIG_DIRS), "--print-dir", str(env_file)], capture_output=True, text=True,
                       timeout=10, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_create_config_dirs_expands_tilde_to_the_invoking_users_home(tmp_path):
    """CONFIG=~/... (as .env.example ships it) must name the folder compose mounts for the user who
    runs compose: under sudo that is SUDO_USER's home from the passwd database, not root's HOME."""
    env_file = make_env_file(tmp_path, {"CONFIG": "~/meet-cfg"})
    assert read_env_file(ENV_EXAMPLE)["CONFIG"].startswith("~/")
    nobody_home = pwd.getpwnam("nobody").pw_dir
    me_home = pwd.getpwuid(os.getuid()).pw_dir
    assert nobody_home != me_home
    assert _print_dir(env_file, HOME=str(tmp_path), SUDO_USER="nobody") == f"{nobody_home}/meet-cfg"
    assert _print_dir(env_file, HOME=str(tmp_path)) == f"{me_home}/meet-cfg"
    # A relative CONFIG is relative to the compose file's folder, as compose resolves it.
    set_env_values(env_file, {"CONFIG": "./meet-cfg"})
    assert _print_dir(env_file) == f"{REPO_ROOT}/./meet-cfg"


def test_create_config_dirs_refuses_an_env_without_config(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("PUBLIC_URL=https://meet.example.org\n")
    r = subprocess.run([str(CREATE_CONFIG_DIRS), str(env_file)], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "CONFIG" in r.stderr
