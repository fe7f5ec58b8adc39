"""docker-compose.yml runs the service as the runtime role, never as the superuser or owner."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from db.roles import APP_ROLE

ROOT = Path(__file__).parents[1]


def _user(url: str) -> str:
    return make_url(url.replace("${", "").replace("}", "")).username or ""


def test_web_and_workers_connect_as_the_runtime_role_only() -> None:
    """The long-running services hold the runtime role's URL and no owner URL; only the
    one-shot `migrate` has the owner's, and nothing ours has the superuser's."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    superuser = services["postgres"]["environment"]["POSTGRES_USER"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert _user(env["DATABASE_URL"]) == APP_ROLE, name
        assert "ORDERAGENT_OWNER_DATABASE_URL" not in env, name
        assert "ORDERAGENT_ALLOW_NO_RLS" not in env, name
    migrate = services["migrate"]["environment"]
    assert _user(migrate["ORDERAGENT_OWNER_DATABASE_URL"]) not in (APP_ROLE, superuser)
    for svc in services.values():
        for value in (svc.get("environment") or {}).values():
            if str(value).startswith("postgresql://"):
                assert _user(str(value)) != superuser


def test_the_init_script_makes_the_runtime_role_without_privileges() -> None:
    """The compose init script creates the runtime login NOINHERIT, no superuser, no
    BYPASSRLS, and the owner without superuser."""
    script = (ROOT / "deploy/postgres-init/10-orderagent-roles.sh").read_text()
    app = next(line for line in script.splitlines() if f"CREATE ROLE {APP_ROLE}" in line)
    assert "NOINHERIT" in app and "NOSUPERUSER" in app and "NOBYPASSRLS" in app
    assert "SUPERUSER" not in script.replace("NOSUPERUSER", "")
