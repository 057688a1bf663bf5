"""A whole clinic deployment on loopback, for the deployment test.

Real parts only: a PostgreSQL cluster of its own (``initdb``/``pg_ctl``, a free port, a
temporary folder; never the shared server on 5432), ``streamlit run app.py`` replicas
with the same environment and secrets, nginx serving ``deploy/nginx.conf.template``
with a throwaway certificate, and the OpenID Connect provider of ``tests.oidc_provider``.
Each part is a context manager that stops what it started.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from tests.conftest import PROJECT_ROOT
from tests.live_server import _wait_until_healthy as wait_until_healthy
from tests.live_server import free_port


def _postgres_bin() -> Path:
    """The newest PostgreSQL server programs Debian installed (initdb, pg_ctl)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


POSTGRES_BIN = _postgres_bin()
NGINX = Path("/usr/sbin/nginx")
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
AFFINITY_COOKIE = "dermadash_replica"
# The source address of the tests' own requests through the proxy (any 127/8 address is
# this machine), apart from the browsers' 127.0.0.1.
FETCH_ADDRESS = "127.0.0.2"
STOP_SECONDS = 15


def render_nginx_site(values: Mapping[str, str]) -> str:
    """The template with every ``{{NAME}}`` filled in; an unfilled one is an error."""
    template = NGINX_TEMPLATE.read_text(encoding="utf-8")
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def unverified_tls() -> ssl.SSLContext:
    """For requests to the test's own proxy, whose certificate the test made itself."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


# --- PostgreSQL ----------------------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port.

    ``initdb`` refuses to run as root, so as root the cluster belongs to the
    ``postgres`` user. Every statement that changes something is written to the server
    log, which lets a test count how many replicas created or upgraded the schema.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="dermadash-cluster-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, cwd=self.folder, timeout=120
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            str(POSTGRES_BIN / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--no-sync",
            "--encoding",
            "UTF8",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -h 127.0.0.1 -c unix_socket_directories='' -c fsync=off "
            "-c log_statement=mod -c max_connections=100"
        )
        self._run(
            str(POSTGRES_BIN / "pg_ctl"),
            "start",
            "--wait",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(POSTGRES_BIN / "pg_ctl"), "stop", "--wait", "--pgdata", str(self.data), "-m", mode
        )

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def server_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def remove(self) -> None:
        if self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def create_database(cluster: PostgresCluster, name: str) -> str:
    """A new empty database in the cluster; its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return cluster.url(name)


# --- The OpenID Connect provider ------------------------------------------------------


@dataclass(frozen=True)
class OidcClient:
    client_id: str
    client_secret: str
    redirect_uri: str


@contextmanager
def oidc_provider(client: OidcClient) -> Iterator[str]:
    """Run ``tests.oidc_provider`` for one client; yields its issuer URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider",
            client.client_id,
            client.client_secret,
            client.redirect_uri,
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        assert process.stdout is not None
        issuer = process.stdout.readline().decode().strip()
        if not issuer.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the OIDC provider did not start (it said {issuer!r})")
        yield issuer
    finally:
        _stop(process)


# --- App replicas -------------------------------------------------------------------


@dataclass
class Replica:
    """One ``streamlit run app.py`` on a fixed loopback port, started and stopped at will."""

    name: str
    environment: dict[str, str]
    secrets_file: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> None:
        """Start the process; ``wait_until_up`` waits for it to answer."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("streamlit")),
                "run",
                str(PROJECT_ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--secrets.files",
                str(self.secrets_file),
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **self.environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait_until_up(self) -> None:
        assert self.process is not None, "start() first"
        try:
            wait_until_healthy(self.url, self.process)
        except RuntimeError as problem:
            raise RuntimeError(f"replica {self.name}: {problem}: {self.output()[-2000:]}") from None

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_together(replicas: list[Replica]) -> None:
    """Start every replica at once, then wait for all of them."""
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.wait_until_up()


# --- nginx ----------------------------------------------------------------------------


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for one day."""
    certificate, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


def nginx_main_config(folder: Path, site: Path) -> str:
    """The ``nginx.conf`` around the site file, with every path inside ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp_lines = "\n".join(f"    {kind}_temp_path {folder / (kind + '_temp')};" for kind in kinds)
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"{temp_lines}\n"
        f"    include {site};\n"
        "}\n"
    )


@dataclass
class Proxy:
    """nginx in front of the replicas."""

    https_port: int
    http_port: int
    access_log: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def access_lines(self) -> list[str]:
        if not self.access_log.exists():
            return []
        return self.access_log.read_text(encoding="utf-8", errors="replace").splitlines()


def write_nginx_config(folder: Path, proxy: Proxy, replicas: list[Replica]) -> Path:
    certificate, key = throwaway_certificate(folder)
    site = folder / "dermadash.conf"
    site.write_text(
        render_nginx_site(
            {
                "SERVER_NAME": "127.0.0.1",
                "HTTP_LISTEN": f"127.0.0.1:{proxy.http_port}",
                "HTTPS_LISTEN": f"127.0.0.1:{proxy.https_port}",
                "TLS_CERTIFICATE": str(certificate),
                "TLS_CERTIFICATE_KEY": str(key),
                "ACCESS_LOG": str(proxy.access_log),
                "REPLICAS": "\n".join(f"    server {replica.address};" for replica in replicas),
            }
        ),
        encoding="utf-8",
    )
    main = folder / "nginx.conf"
    main.write_text(nginx_main_config(folder, site), encoding="utf-8")
    return main


def check_nginx_config(config: Path) -> None:
    """``nginx -t``: raises with nginx's own words when the configuration is wrong."""
    result = subprocess.run(
        [str(NGINX), "-t", "-q", "-e", str(config.parent / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration: {result.stderr}")


@contextmanager
def nginx(folder: Path, proxy: Proxy, replicas: list[Replica]) -> Iterator[Proxy]:
    config = write_nginx_config(folder, proxy, replicas)
    check_nginx_config(config)
    process = subprocess.Popen(
        [str(NGINX), "-e", str(folder / "error.log"), "-c", str(config), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"{proxy.url}/_stcore/health", timeout=2, context=unverified_tls()
                ):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error_log = folder / "error.log"
                    raise RuntimeError(
                        "nginx did not start: "
                        + (error_log.read_text() if error_log.exists() else "")
                    ) from None
                time.sleep(0.2)
        yield proxy
    finally:
        _stop(process)


# --- The whole deployment ------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One response through the proxy, and the replica that gave it."""

    status: int
    headers: Message
    body: bytes
    replica: str


@dataclass
class Deployment:
    cluster: PostgresCluster
    database_url: str
    replicas: list[Replica]
    proxy: Proxy
    issuer: str
    affinities: dict[str, str] = field(default_factory=dict)

    def replica(self, name: str) -> Replica:
        return next(replica for replica in self.replicas if replica.name == name)

    def fetch(self, path: str, affinity: str) -> Answer:
        """GET ``path`` through the proxy as a browser holding this affinity cookie.

        The request leaves from its own loopback address, so that its access-log line
        (which names the replica) cannot be mistaken for one of the test browsers'
        requests, which nginx logs at the same time."""
        before = len(self.proxy.access_lines())
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.proxy.https_port,
            timeout=10,
            context=unverified_tls(),
            source_address=(FETCH_ADDRESS, 0),
        )
        try:
            connection.request("GET", path, headers={"Cookie": f"{AFFINITY_COOKIE}={affinity}"})
            answer = connection.getresponse()
            status, headers, body = answer.status, answer.msg, answer.read()
        finally:
            connection.close()
        for _ in range(50):
            ours = [
                line
                for line in self.proxy.access_lines()[before:]
                if line.startswith(f"{FETCH_ADDRESS} ")
            ]
            if ours:
                return Answer(status, headers, body, ours[-1].rsplit(" ", 1)[-1])
            time.sleep(0.05)
        raise AssertionError("nginx logged no request")

    def served_by(self, affinity: str) -> str:
        """Which replica (its address) the proxy sends a browser with this cookie to."""
        return self.fetch("/_stcore/health", affinity).replica

    def wait_until_proxied(self, seconds: float = 30) -> None:
        """Until the proxy sends each replica its own visitors again: after replicas
        restart, nginx keeps one it saw fail out of use for a while (``fail_timeout``)."""
        deadline = time.monotonic() + seconds
        for replica in self.replicas:
            affinity = self.affinity_for(replica.name)
            while True:
                try:
                    answer = self.fetch("/_stcore/health", affinity)
                    if (answer.status, answer.replica) == (200, replica.address):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the proxy does not reach replica {replica.name}")
                time.sleep(0.5)

    def affinity_for(self, name: str) -> str:
        """An affinity cookie value that the proxy maps to replica ``name`` (found while
        every replica runs, then remembered)."""
        if name not in self.affinities:
            wanted = self.replica(name).address
            for index in range(200):
                value = f"visitor{index}"
                if self.served_by(value) == wanted:
                    self.affinities[name] = value
                    break
            else:
                raise AssertionError(f"no affinity cookie reaches replica {name}")
        return self.affinities[name]


SECRETS_TEMPLATE = """\
[auth]
redirect_uri = "{redirect_uri}"
cookie_secret = "{cookie_secret}"
client_id = "{client_id}"
client_secret = "{client_secret}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
"""


@contextmanager
def clinic_deployment(
    folder: Path, replica_names: tuple[str, ...] = ("A", "B")
) -> Iterator[Deployment]:
    """PostgreSQL, the OIDC provider, the replicas started at once on an empty database,
    and nginx in front: the README's clinic set-up on loopback."""
    https_port, http_port = free_port(), free_port()
    proxy = Proxy(https_port=https_port, http_port=http_port, access_log=folder / "access.log")
    client = OidcClient(
        client_id="dermadash-clinic",
        client_secret="a client secret only this test knows",
        redirect_uri=f"{proxy.url}/oauth2callback",
    )
    with postgres_cluster() as cluster, oidc_provider(client) as issuer:
        database_url = create_database(cluster, "dermadash")
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            SECRETS_TEMPLATE.format(
                redirect_uri=client.redirect_uri,
                cookie_secret="the same auth cookie secret on every replica",
                client_id=client.client_id,
                client_secret=client.client_secret,
                issuer=issuer,
            ),
            encoding="utf-8",
        )
        environment = {
            "DERMADASH_DATABASE_URL": database_url,
            "DERMADASH_AUTH": "oidc",
            "DERMADASH_PUBLIC_URL": proxy.url,
            "DERMADASH_TRUSTED_PROXIES": "127.0.0.1",
            "STREAMLIT_SERVER_COOKIE_SECRET": "the same server cookie secret on every replica",
        }
        replicas = [
            Replica(name, environment, secrets_file, folder / f"replica-{name}.log")
            for name in replica_names
        ]
        try:
            start_together(replicas)
            with nginx(folder, proxy, replicas):
                yield Deployment(cluster, database_url, replicas, proxy, issuer)
        finally:
            for replica in replicas:
                replica.stop()
