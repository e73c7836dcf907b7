"""Pads in PostgreSQL (config/compose/etherpad-postgres.yml), the documented production setting:
selected the documented way (COMPOSE_FILE in .env, plain `docker compose`), etherpad gets the
etherpad image's DB_* settings pointing at the etherpad-db service with the gen-passwords secret;
the database keeps its data on a named volume, publishes nothing, and compose refuses the override
without a password. Without the override etherpad keeps its default (dirty) database."""

from __future__ import annotations

import re

import yaml

from compose_env import (REPO_ROOT, compose_config, compose_config_raw, make_env_file, read_env_file,
                         service_environment)

OVERRIDE = "config/compose/etherpad-postgres.yml"
COMPOSE_FILE_LINE = f"docker-compose.yml:{OVERRIDE}"
POSTGRES_DATA = "/var/lib/postgresql/data"


def _with_override(tmp_path, **values):
    env_file = make_env_file(tmp_path, {"COMPOSE_FILE": COMPOSE_FILE_LINE, **values})
    return env_file, compose_config(env_file, files=None)


def test_documented_line_is_in_env_example_and_guide():
    assert f"#COMPOSE_FILE={COMPOSE_FILE_LINE}" in (REPO_ROOT / ".env.example").read_text()
    assert f"COMPOSE_FILE={COMPOSE_FILE_LINE}" in (REPO_ROOT / "docs" / "deployment.md").read_text()


def test_etherpad_uses_postgres_with_the_generated_password(tmp_path):
    env_file, config = _with_override(tmp_path)
    secret = read_env_file(env_file)["ETHERPAD_DB_PASSWORD"]
    assert re.fullmatch(r"[0-9a-f]{32}", secret)
    etherpad, db = service_environment(config, "etherpad"), service_environment(config, "etherpad-db")
    assert etherpad["DB_TYPE"] == "postgres"
    aliases = config["services"]["etherpad-db"]["networks"]["meet.jitsi"]["aliases"]
    assert etherpad["DB_HOST"] in aliases + ["etherpad-db"]
    assert etherpad["DB_PORT"] == "5432"
    assert (etherpad["DB_NAME"], etherpad["DB_USER"], etherpad["DB_PASS"]) == \
        (db["POSTGRES_DB"], db["POSTGRES_USER"], db["POSTGRES_PASSWORD"]) == ("etherpad", "etherpad", secret)
    assert "etherpad-db" in config["services"]["etherpad"]["depends_on"]
    # The rest of etherpad's settings survive the merge.
    assert etherpad["TRUST_PROXY"] == "true" and etherpad["TITLE"] == "meetpad"


def test_database_is_private_and_persistent(tmp_path):
    _, config = _with_override(tmp_path)
    db = config["services"]["etherpad-db"]
    assert not db.get("ports")
    assert f"etherpad-postgres:{POSTGRES_DATA}:rw" in db["volumes"]
    assert "etherpad-postgres" in config["volumes"]
    assert re.fullmatch(r"postgres:\d+(-[a-z0-9.]+)?", db["image"]), db["image"]  # pinned major version
    assert set(db["networks"]) == {"meet.jitsi"}


def test_override_refuses_an_empty_password(tmp_path):
    env_file = make_env_file(tmp_path, {"COMPOSE_FILE": COMPOSE_FILE_LINE}, gen_passwords=False)
    r = compose_config_raw(env_file, files=None)
    assert r.returncode != 0 and "ETHERPAD_DB_PASSWORD" in r.stderr and "gen-passwords" in r.stderr, r.stderr


def test_without_override_etherpad_keeps_its_default_database(resolved):
    assert "etherpad-db" not in resolved["services"]
    assert not [n for n in service_environment(resolved, "etherpad") if n.startswith("DB_")]


def test_override_file_parses_and_names_only_etherpad_services():
    override = yaml.safe_load((REPO_ROOT / OVERRIDE).read_text())
    assert set(override["services"]) == {"etherpad", "etherpad-db"}
