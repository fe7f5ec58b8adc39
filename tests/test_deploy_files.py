"""docker-compose.yml and the Dockerfile describe a deployable service (no Docker engine here)."""

from __future__ import annotations

import json
import re
import tomllib
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
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]["find"]["include"]
    for package in (p.rstrip("*") for p in include):
        assert f"COPY {package} {package}" in dockerfile


def _exported_samples() -> set[str]:
    """Every sample name /metrics can show: this process's metrics and the database's."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

    import core.metrics  # noqa: F401  (the process's metrics register on import)
    from db.gauges import DatabaseCollector

    extra = CollectorRegistry()
    extra.register(DatabaseCollector())
    text = (generate_latest(REGISTRY) + generate_latest(extra)).decode()
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"],
                "gauge": [""]}
    names = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.M):
        base = name.removesuffix("_total") if kind == "counter" else name
        names |= {base + s for s in suffixes.get(kind, [""])}
    return names


def test_health_checks_use_readiness_and_workers_expose_their_port() -> None:
    """web and worker are healthy when ready (/readyz); Prometheus scrapes the worker on
    the port its command opens."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "8080/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    worker = services["worker"]
    args = build_parser().parse_args(worker["command"][1:])
    assert args.metrics_port is not None
    assert f"{args.metrics_port}/readyz" in " ".join(worker["healthcheck"]["test"])
    prom = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prom["scrape_configs"]}
    assert jobs["orderagent-web"]["static_configs"][0]["targets"] == ["web:8080"]
    [dns] = jobs["orderagent-worker"]["dns_sd_configs"]
    assert dns["names"] == ["worker"] and dns["port"] == args.metrics_port


def test_monitoring_profile_dashboard_queries_only_metrics_we_export() -> None:
    """Prometheus and Grafana run only with --profile monitoring, their mounted files
    exist, and every metric the dashboard plots is one /metrics exports."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        for volume in services[name]["volumes"]:
            assert (ROOT / volume.split(":")[0]).exists(), volume
    assert ":?" in services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"]
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/orderagent.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {m for e in exprs for m in re.findall(r"orderagent_[a-z_]+", e)}
    exported = _exported_samples()
    assert used - exported == set()
    # the list, each on the dashboard
    for wanted in ("webhooks_total", "webhook_store_seconds", "spool_depth", "inbox_lag",
                   "inbox_waiting", "turn_seconds", "match_seconds", "outbox_sends_total",
                   "outbox_messages", "webhook_deliveries", "llm_calls", "llm_tokens",
                   "llm_cost_usd", "llm_errors", "order_sessions"):
        assert any(wanted in m for m in used), wanted
