"""deploy/: the nginx configuration passes `nginx -t`; the systemd units and the compose file
name things that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from serverproc import require_binary
from services import (
    main_config,
    nginx_program,
    nginx_test,
    render_site,
    self_signed_certificate,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_nginx_configuration_passes_nginx_t(tmp_path: Path) -> None:
    """deploy/nginx with a self-signed certificate (made here) and its three processes:
    `nginx -t` finds no error."""
    nginx_program()
    cert, key = self_signed_certificate(tmp_path)
    site = render_site(tmp_path, upstream_ports=[8001, 8002, 8003], cert=cert, key=key)
    checked = nginx_test(tmp_path, main_config(tmp_path, site))
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """rolwissel@.service and rolwissel.target, with this checkout's paths in place of
    /opt/rolwissel: `systemd-analyze verify` finds no error and no unknown key."""
    analyze = require_binary("systemd-analyze")
    checkout = DEPLOY.parent
    env = tmp_path / "rolwissel.env"
    env.write_text((DEPLOY / "rolwissel.env.example").read_text())
    unit = (DEPLOY / "systemd" / "rolwissel@.service").read_text()
    unit = unit.replace(
        "/opt/rolwissel/.venv/bin/rolwissel", str(Path(sys.executable).parent / "rolwissel")
    )
    unit = unit.replace("/opt/rolwissel", str(checkout)).replace(
        "/etc/rolwissel/rolwissel.env", str(env)
    )
    (tmp_path / "rolwissel@.service").write_text(unit)
    shutil.copy(DEPLOY / "systemd" / "rolwissel.target", tmp_path)
    checked = subprocess.run(
        [analyze, "verify", str(tmp_path / "rolwissel@8001.service")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "rolwissel" not in checked.stderr, checked.stderr  # no complaint about our files


def test_the_compose_file_names_what_exists() -> None:
    """compose.yaml: PostgreSQL, Redis, nginx and three app processes built from this
    repository; every file it mounts exists; nginx's upstream names every app; every
    variable it needs is in env.example."""
    compose_dir = DEPLOY / "compose"
    text = (compose_dir / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    apps = sorted(name for name in services if name.startswith("app"))
    assert len(apps) >= 3 and {"postgres", "redis", "nginx"} <= set(services)
    for name in apps:
        build = services[name]["build"]
        assert (compose_dir / build["context"] / build["dockerfile"]).is_file()
        assert services[name]["environment"]["ROLWISSEL_REDIS_URL"].startswith("redis://redis:")
    for volume in services["nginx"]["volumes"]:
        source = volume.split(":")[0]
        if source != "./tls":  # the operator's certificate
            assert (compose_dir / source).is_file(), source
    upstream = (compose_dir / "rolwissel-upstream.conf").read_text()
    assert all(f"server {name}:8000 " in upstream for name in apps)
    needed = set(re.findall(r"\$\{(\w+):\?", text))
    example = (compose_dir / "env.example").read_text()
    assert needed and all(f"\n{name}=" in "\n" + example for name in needed)
