"""docker-compose.yml and the Dockerfile describe a deployable service (no Docker engine here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from orderagent.cli import build_parser

ROOT = Path(__file__).parents[1]


def test_compose_runs_postgres_web_and_workers_on_one_database() -> None:
    """Every service of ours points at the compose PostgreSQL and gets the secrets it needs."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "web", "worker"} <= set(services)
    for name in ("web", "worker"):
        svc = services[name]
        env = svc["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        for required in ("ORDERAGENT_ENCRYPTION_KEY", "ORDERAGENT_PUBLIC_URL"):
            assert ":?" in env[required], f"{name}: {required} must be required, not defaulted"
        assert svc["build"] == "."
        # the command is one our CLI accepts
        build_parser().parse_args(svc["command"][1:])
    assert services["postgres"]["healthcheck"]
    assert "8080:8080" in services["web"]["ports"]


def test_the_image_copies_every_package() -> None:
    """The Dockerfile copies each top-level package pyproject.toml installs."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("orderagent", "agent", "channels", "matching", "db", "prompts", "privacy",
                    "console"):
        assert f"COPY {package} {package}" in dockerfile
