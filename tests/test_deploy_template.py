"""The clinic's nginx configuration: one template, accepted by nginx, linked from the README.

``tests/test_deployment.py`` serves real traffic through it; this checks, in a second,
what a clinic copying it relies on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deployment import (
    NGINX_TEMPLATE,
    PLACEHOLDER,
    Proxy,
    Replica,
    check_nginx_config,
    render_nginx_site,
    write_nginx_config,
)

README = PROJECT_ROOT / "README.md"


def test_nginx_accepts_the_template_with_two_replicas(tmp_path: Path) -> None:
    replicas = [
        Replica(name, {}, tmp_path / "secrets.toml", tmp_path / f"{name}.log", port=port)
        for name, port in (("A", 18501), ("B", 18502))
    ]
    proxy = Proxy(https_port=18443, http_port=18080, access_log=tmp_path / "access.log")
    config = write_nginx_config(tmp_path, proxy, replicas)
    check_nginx_config(config)  # raises with nginx's own message
    site = (tmp_path / "dermadash.conf").read_text()
    assert "server 127.0.0.1:18501;" in site
    assert "server 127.0.0.1:18502;" in site
    assert not PLACEHOLDER.search(site)


def test_every_placeholder_must_be_filled() -> None:
    names = set(PLACEHOLDER.findall(NGINX_TEMPLATE.read_text()))
    assert names >= {"SERVER_NAME", "REPLICAS", "TLS_CERTIFICATE"}
    values = dict.fromkeys(names - {"REPLICAS"}, "x")
    with pytest.raises(KeyError, match="REPLICAS"):
        render_nginx_site(values)


def test_the_readme_points_at_the_tested_template_and_keeps_no_copy_of_its_own() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "deploy/nginx.conf.template" in readme
    # A second nginx configuration in the README could drift from the tested one.
    assert not re.search(r"```nginx", readme)
    assert "proxy_pass" not in readme
