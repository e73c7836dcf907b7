"""The bridge binary carries no part of Foundation beyond FoundationEssentials, and no libnice agent.

libFoundation and its ICU (lib_FoundationICU, libFoundationInternationalization) were about 8 MB
of the idle bridge's resident memory (scripts/idle_rss.py), for one JSONSerialization call. A
dynamically linked build would name them in its NEEDED entries; a build with the Swift runtime
linked in (the container's --static-swift-stdlib) would hold symbols of module Foundation, which
Swift mangles as `$s10Foundation…` (FoundationEssentials' are `$s20FoundationEssentials…`)."""

from __future__ import annotations

import re
import subprocess

import pytest

from bridge_config import bridge_binary

pytestmark = pytest.mark.bridge

FOUNDATION_LIBRARIES = {"libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"}


@pytest.fixture(scope="module")
def binary():
    path = bridge_binary()
    if not path.exists():
        pytest.skip(f"no bridge binary at {path} (set MEETPAD_BRIDGE_BIN)")
    return path


def needed_libraries(binary) -> set[str]:
    dynamic = subprocess.run(["readelf", "--dynamic", "--wide", str(binary)],
                             capture_output=True, text=True, check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    assert needed, "readelf found no NEEDED entries: not a dynamically linked executable?"
    return needed


def test_no_foundation_library_is_needed(binary):
    assert not needed_libraries(binary) & FOUNDATION_LIBRARIES


def test_libnice_stun_is_linked_in_without_its_agent(binary):
    """libnice.so.10 would load GLib, GIO, GnuTLS, gupnp-igd and 36 more libraries (6.7 MB of
    the idle bridge's memory) for the STUN code alone; scripts/install-nice-stun.sh builds that
    code as a static library of its own."""
    offenders = {name for name in needed_libraries(binary)
                 if name.startswith(("libnice", "libglib", "libgio", "libgobject", "libgnutls", "libgupnp"))}
    assert not offenders
    defined = subprocess.run(["nm", "--defined-only", str(binary)], capture_output=True, text=True).stdout
    assert re.search(r" T stun_agent_validate$", defined, re.M), "libnice's STUN code is not in the binary"


def test_no_symbol_of_module_foundation(binary):
    # Defined (static runtime) or undefined (dynamic) alike; --dynamic covers a stripped binary.
    symbols = "".join(subprocess.run(["nm", *flags, str(binary)], capture_output=True, text=True).stdout
                      for flags in ([], ["--dynamic"]))
    assert "$s20FoundationEssentials" in symbols, "no Swift symbols found: the check would prove nothing"
    offenders = sorted(set(re.findall(r"\$s10Foundation\S*", symbols)))
    assert not offenders, offenders[:10]
