"""docs/deployment.md facts that a review against upstream found wrong, checked against the files
they describe where possible (text checks only where the fact lives nowhere else)."""

from __future__ import annotations

import re

from compose_env import COMPOSE_FILE, REPO_ROOT, read_env_file, ENV_EXAMPLE

GUIDE = REPO_ROOT / "docs" / "deployment.md"
FIRST_TAG_WITH_STORAGE = 11146  # ghcr.io/jitsi, /storage mounts, read-only, uid 1000


def _guide() -> str:
    return GUIDE.read_text()


def _paragraph_with(text: str, needle: str) -> str:
    return next(p for p in text.split("\n\n") if needle in p)


def test_older_tags_are_never_offered():
    guide = _guide()
    assert "/storage" in COMPOSE_FILE.read_text()  # the layout older tags lack
    for m in re.finditer(r"stable-(\d+)", guide):
        if int(m.group(1)) < FIRST_TAG_WITH_STORAGE:
            paragraph = _paragraph_with(guide, m.group(0))
            assert "Do not" in paragraph and "would work" not in paragraph, paragraph


def test_password_change_uses_prosodyctl_on_the_running_prosody():
    section = _guide().split("\n## Changing a password\n", 1)[1].split("\n## ", 1)[0]
    example = read_env_file(ENV_EXAMPLE)
    user = example.get("JVB_AUTH_USER", "jvb")
    domain = example.get("XMPP_AUTH_DOMAIN", "auth.meet.jitsi")
    # The image's own path to its rendered config (upstream register-setup) and prosody's shell command.
    assert re.search(r"docker compose exec prosody prosodyctl --config /run/prosody/config/prosody\.cfg\.lua"
                     rf" \\\n\s+shell user password {re.escape(user)}@{re.escape(domain)} ", section), section
    assert "focus@" + domain in section
    assert "restart prosody too" not in _guide()


def test_no_public_ca_for_the_internal_domain():
    paragraph = _paragraph_with(_guide(), "DISABLE_CERTIFICATE_VERIFICATION=true")
    assert "auth.meet.jitsi" in paragraph and "no public certificate authority" in paragraph
    assert "give prosody a certificate that verifies" not in _guide()


def test_other_site_etherpad_needs_https_and_same_site_none():
    paragraph = _paragraph_with(_guide(), "ETHERPAD_PUBLIC_URL=https://pad.example.org/p/")
    assert "HTTPS" in paragraph and "COOKIE_SAME_SITE=None" in paragraph


def test_pad_links_must_be_lowercase():
    paragraph = _paragraph_with(_guide(), "Pad names are not")
    assert "lowercase" in paragraph
    conf = (REPO_ROOT / "config" / "jicofo" / "custom-jicofo.conf").read_text()
    assert "shared-document.use-random-name = false" in conf  # the pad is named after the (lowercased) room


def test_octo_region_only_with_client_regions():
    paragraph = _paragraph_with(_guide(), "`JVB_OCTO_REGION`")
    assert "userRegion" in paragraph and "only when clients report a region" in paragraph


def test_backups_are_consistent():
    section = _guide().split("\n### Backing up pads\n", 1)[1].split("\n## ", 1)[0]
    assert "pg_dump" in section
    # A copy of the dirty database only after stopping etherpad.
    stop, copy = section.index("docker compose stop etherpad"), section.index("tar czf")
    assert stop < copy < section.index("docker compose start etherpad")
