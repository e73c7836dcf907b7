"""scripts/gen-passwords and the runtime image's package list."""

from __future__ import annotations

import re
import stat
import subprocess

from compose_env import GEN_PASSWORDS, REPO_ROOT, SECRETS, make_env_file, read_env_file, run_gen_passwords

RUNTIME_SCRIPT = REPO_ROOT / "scripts" / "install-runtime-libs.sh"


def test_gen_passwords_fills_each_secret_once(tmp_path):
    env_file = make_env_file(tmp_path, gen_passwords=False)
    assert all(read_env_file(env_file)[s] == "" for s in SECRETS)
    run_gen_passwords(env_file)
    first = read_env_file(env_file)
    for name in SECRETS:
        assert re.fullmatch(r"[0-9a-f]{32}", first[name]), name  # openssl rand -hex 16
    assert first["JICOFO_AUTH_PASSWORD"] != first["JVB_AUTH_PASSWORD"]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    out = run_gen_passwords(env_file).stdout
    assert read_env_file(env_file) == first, "a second run must keep the secrets"
    assert out.count("kept") == len(SECRETS)
    # Everything else is left as it was.
    example = read_env_file(REPO_ROOT / ".env.example")
    assert {k: v for k, v in first.items() if k not in SECRETS} == {k: v for k, v in example.items() if k not in SECRETS}


def test_gen_passwords_creates_env_from_example(tmp_path):
    env_file = tmp_path / ".env"
    r = subprocess.run([str(GEN_PASSWORDS), str(env_file)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert all(len(read_env_file(env_file)[s]) == 32 for s in SECRETS)


def test_dockerfile_installs_runtime_packages_only_through_the_script():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    runtime_stage = dockerfile.split("\nFROM ${RUNTIME_IMAGE}", 1)[1]
    assert "install-runtime-libs.sh" in runtime_stage
    assert "apt-get" not in runtime_stage
    assert re.search(r"^USER meetpad$", runtime_stage, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*http://127\.0\.0\.1:8080/about/health", runtime_stage, re.M)
    assert "$(cat scripts/release-build-flags)" in dockerfile
    assert re.search(r"^ARG SWIFT_IMAGE=swift:6\.3\.1-bookworm$", dockerfile, re.M)
    assert re.search(r"^ARG RUNTIME_IMAGE=debian:bookworm-slim$", dockerfile, re.M)


def test_runtime_package_list():
    r = subprocess.run([str(RUNTIME_SCRIPT), "--print"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0
    packages = r.stdout.split()
    for library_package in ("libssl3", "libsrtp2-1", "libusrsctp2", "libexpat1"):
        assert library_package in packages
    # libnice's STUN library is linked in statically (scripts/install-nice-stun.sh): libnice10
    # would bring GLib, GnuTLS, gupnp-igd and 37 more libraries into the image for nothing.
    assert "libnice10" not in packages
    assert "curl" in packages  # the HEALTHCHECK
    assert not [p for p in packages if p.endswith("-dev") or p.startswith("libopus")]


def test_dockerignore_keeps_the_build_context_small():
    lines = [l.strip() for l in (REPO_ROOT / ".dockerignore").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert lines[0] == "*"
    for needed in ("!Package.swift", "!Sources", "!Tests", "!scripts/install-deps.sh", "!scripts/install-nice-stun.sh",
                   "!scripts/install-runtime-libs.sh", "!scripts/release-build-flags"):
        assert needed in lines


def test_every_release_build_takes_its_flags_from_one_file():
    """The image, `make run`, the benchmarks and the soak build the same binary: the Swift runtime
    linked in. Written out in each, the four copies could drift apart unnoticed."""
    flags = (REPO_ROOT / "scripts" / "release-build-flags").read_text().split()
    assert flags == ["-c", "release", "--static-swift-stdlib"]
    for path in ("Makefile", "Dockerfile", "scripts/bench.sh", "scripts/soak.sh"):
        text = (REPO_ROOT / path).read_text()
        assert "scripts/release-build-flags" in text, path
        assert "--static-swift-stdlib" not in text, f"{path} spells the flags out"
