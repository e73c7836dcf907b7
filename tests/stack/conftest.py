"""Fixtures for the stack checks: the compose file resolved with .env.example + gen-passwords."""

from __future__ import annotations

import pytest

from compose_env import ComposeError, compose_config, docker_compose, make_env_file


@pytest.fixture(scope="session")
def compose_cli() -> str:
    try:
        return docker_compose()
    except ComposeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def example_env_file(tmp_path_factory, compose_cli):
    """A .env made as the guide says: cp .env.example .env && scripts/gen-passwords."""
    return make_env_file(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def resolved(example_env_file) -> dict:
    return compose_config(example_env_file)
