"""`meetpad-bridge --print-config` (CONTRACT-XMPP.md): run it with a given environment and parse it.

Output, one line per setting, then one line per set Java-only variable:
    key=value  # env NAME | env NAME or env OTHER | flag --name | default
    ignored-env=NAME
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path
from typing import Mapping, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = ".build/debug/meetpad-bridge"
_LINE = re.compile(r"^([a-z][a-z0-9.-]*)=(.*?)\s+#\s+(.*)$")
_ENV_NAME = re.compile(r"\benv\s+([A-Z][A-Z0-9_]*)")


def bridge_binary() -> Path:
    path = Path(os.environ.get("MEETPAD_BRIDGE_BIN", DEFAULT_BINARY))
    return path if path.is_absolute() else REPO_ROOT / path


def print_config_missing_reason(binary: Path) -> Optional[str]:
    """None when `binary --help` lists --print-config (a build with the XMPP issue), else why not.
    Never runs the binary without --help: an old build would start a bridge."""
    if not binary.exists():
        return f"no bridge binary at {binary} (set MEETPAD_BRIDGE_BIN)"
    r = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=20,
                       env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL)
    if "--print-config" not in r.stdout + r.stderr:
        return f"{binary} has no --print-config yet (a build before the Colibri2-over-XMPP issue)"
    return None


@dataclasses.dataclass
class Setting:
    value: str
    source: str

    @property
    def env_names(self) -> list[str]:
        return _ENV_NAME.findall(self.source)


@dataclasses.dataclass
class PrintedConfig:
    settings: dict[str, Setting]
    ignored_env: list[str]
    text: str
    returncode: int

    def names_applied(self) -> set[str]:
        return {name for s in self.settings.values() for name in s.env_names}

    def values(self) -> dict[str, str]:
        return {k: s.value for k, s in self.settings.items()}


def parse_print_config(text: str) -> tuple[dict[str, Setting], list[str]]:
    settings, ignored = {}, []
    for line in text.splitlines():
        line = line.rstrip()
        if line.startswith("ignored-env="):
            ignored.append(line.split("=", 1)[1].strip())
            continue
        m = _LINE.match(line)
        if m:
            settings[m.group(1)] = Setting(value=m.group(2).strip(), source=m.group(3).strip())
    return settings, ignored


def print_config(env: Mapping[str, str], binary: Optional[Path] = None, args: tuple[str, ...] = ()) -> PrintedConfig:
    """Runs `binary [args] --print-config` with exactly `env` (nothing inherited)."""
    binary = binary or bridge_binary()
    r = subprocess.run([str(binary), *args, "--print-config"], capture_output=True, text=True, timeout=20,
                       env=dict(env), stdin=subprocess.DEVNULL)
    settings, ignored = parse_print_config(r.stdout)
    return PrintedConfig(settings=settings, ignored_env=ignored, text=r.stdout + r.stderr, returncode=r.returncode)
