"""SELinux labels of the bind mounts (docker-compose.yml). On an SELinux host a bind mount without
`z`/`Z` is unreadable in the container, and for the two single files of config/ that means the
setting is silently not applied. Folders of ${CONFIG} take `Z` (private, as upstream); a single file
from this checkout must take `z`: `Z` would relabel the host file private to one container."""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_env import REPO_ROOT

SINGLE_FILES = {"web": "custom-config.js", "jicofo": "custom-jicofo.conf"}


def _bind_mounts(resolved: dict):
    for name, service in resolved["services"].items():
        for mount in service.get("volumes") or []:
            source, target, *rest = mount.split(":")
            if source.startswith("/"):  # named volumes have no path
                yield name, Path(source), target, set(rest[0].split(",")) if rest else set()


def test_every_bind_mount_is_labelled(resolved):
    mounts = list(_bind_mounts(resolved))
    assert len(mounts) >= 9, mounts
    for service, source, target, options in mounts:
        assert options & {"z", "Z"}, f"{service}: {source}:{target} has no SELinux label option"


@pytest.mark.parametrize("service", sorted(SINGLE_FILES))
def test_single_files_are_shared_label_never_private(resolved, service):
    files = [(source, options) for name, source, _, options in _bind_mounts(resolved)
             if name == service and source.is_file()]
    assert [s.name for s, _ in files] == [SINGLE_FILES[service]], files
    source, options = files[0]
    assert source.is_relative_to(REPO_ROOT / "config")
    assert "z" in options and "Z" not in options, options
    assert "ro" in options


def test_no_file_anywhere_takes_a_private_label(resolved):
    for service, source, target, options in _bind_mounts(resolved):
        if source.is_file():
            assert "Z" not in options, f"{service}: {source} is a file with :Z"


def test_compose_file_says_why(resolved):
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "never `Z`" in text and "SELinux" in text
