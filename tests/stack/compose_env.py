"""The meetpad compose file as docker-compose resolves it, without a Docker engine.

`docker-compose config` (Debian's docker-compose package) reads docker-compose.yml with an env file
and prints the effective configuration. The helpers build that env file the way the deployment
guide does (copy .env.example, run scripts/gen-passwords, optionally change settings), so tests see
exactly what `docker compose up` would hand each container. Also used by
tests/interop/test_compose_bridge.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Mapping, Optional

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
GEN_PASSWORDS = REPO_ROOT / "scripts" / "gen-passwords"
DOCKERFILE = REPO_ROOT / "Dockerfile"
SECRETS = ("JICOFO_AUTH_PASSWORD", "JVB_AUTH_PASSWORD", "ETHERPAD_DB_PASSWORD")
# Any variable whose name looks like one of these is treated as a secret by the checks.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIALS|_KEY$|DSN")


class ComposeError(RuntimeError):
    pass


def docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        raise ComposeError("docker-compose not installed (apt-get install docker-compose; it needs no engine)")
    return path


def read_env_file(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            out[name.strip()] = value
    return out


def set_env_values(path: Path, values: Mapping[str, str]) -> None:
    """Sets NAME=value lines in an env file (replacing an existing line, else appending)."""
    lines = path.read_text().splitlines()
    for name, value in values.items():
        for i, line in enumerate(lines):
            if line.startswith(f"{name}="):
                lines[i] = f"{name}={value}"
                break
        else:
            lines.append(f"{name}={value}")
    path.write_text("\n".join(lines) + "\n")


def make_env_file(directory: Path, overrides: Optional[Mapping[str, str]] = None, *,
                  gen_passwords: bool = True) -> Path:
    """directory/.env = .env.example, then scripts/gen-passwords, then `overrides`."""
    directory.mkdir(parents=True, exist_ok=True)
    env_file = directory / ".env"
    shutil.copy(ENV_EXAMPLE, env_file)
    if overrides:
        set_env_values(env_file, overrides)
    if gen_passwords:
        run_gen_passwords(env_file)
    return env_file


def run_gen_passwords(env_file: Path) -> subprocess.CompletedProcess:
    r = subprocess.run([str(GEN_PASSWORDS), str(env_file)], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise ComposeError(f"gen-passwords exited {r.returncode}: {r.stdout}{r.stderr}")
    return r


def compose_config_raw(env_file: Path, files: Optional[tuple[Path, ...]] = (COMPOSE_FILE,)) -> subprocess.CompletedProcess:
    """`docker-compose config` of `files` (default: the repository's compose file) with `env_file`,
    in a clean environment (only PATH/HOME), so the caller's shell cannot leak values in. With
    files=None no -f is given and compose takes the files from COMPOSE_FILE in `env_file`, as an
    operator's plain `docker compose` does."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(env_file.parent)}
    file_args = [arg for f in (files or ()) for arg in ("-f", str(f))]
    return subprocess.run([docker_compose(), "--project-directory", str(REPO_ROOT), *file_args,
                           "--env-file", str(env_file), "config"],
                          capture_output=True, text=True, timeout=60, env=env)


def compose_config(env_file: Path, files: Optional[tuple[Path, ...]] = (COMPOSE_FILE,)) -> dict:
    r = compose_config_raw(env_file, files)
    if r.returncode != 0:
        raise ComposeError(f"docker-compose config exited {r.returncode}:\n{r.stderr}")
    return yaml.safe_load(r.stdout)


def service_environment(config: dict, service: str) -> dict[str, str]:
    """What the container gets: the resolved variables that have a value (compose passes no
    variable whose value is null, i.e. a bare name that is unset in .env and the shell)."""
    env = config["services"][service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: str(v) for k, v in env.items() if v is not None}


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def raw_environment_names(service: str) -> list[str]:
    """Every variable name the compose file passes to `service`, set or not."""
    env = raw_compose()["services"][service].get("environment") or []
    if isinstance(env, dict):
        return list(env)
    return [item.split("=", 1)[0] for item in env]


def dockerfile_cmd() -> list[str]:
    """The runtime image's CMD (JSON form), i.e. the arguments compose starts the bridge with."""
    import json
    cmd = None
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("CMD "):
            cmd = json.loads(line[4:])
    if cmd is None:
        raise ComposeError("Dockerfile has no CMD")
    return cmd


def container_environment(jvb_env: Mapping[str, str], hostname: str) -> dict[str, str]:
    """jvb's environment plus what Docker itself adds to every container (PATH, HOSTNAME, HOME of
    the image's user)."""
    return {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME": hostname,
            "HOME": "/nonexistent", **jvb_env}
