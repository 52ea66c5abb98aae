"""The production packaging: docker-compose.yml, the Dockerfile and gunicorn's settings.

No Docker engine is needed: the compose file is read with PyYAML and its variables are
interpolated the way Compose does it; the Dockerfile's build step is replayed locally;
gunicorn is started for real with the production settings file (QE-17, SR-17, RR-10).
"""

import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
GUNICORN_CONF = ROOT / "apps" / "gunicorn_conf.py"

APP_SERVICES = ("web", "worker", "beat")
LONG_RUNNING = ("db", "redis", "cache", "web", "worker", "beat")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|(^|_)KEY$", re.IGNORECASE)
REQUIRED_REF = re.compile(r"^\$\{([A-Z_][A-Z0-9_]*):\?[^}]+\}$")
FORBIDDEN_ATOMS = ("%(h)s", "%(q)s", "%(f)s", "%(r)s", "%(a)s", "%(u)s")

DUMMY_ENV = {
    "SECRET_KEY": "compose-test-" + "k" * 30 + "-0123456789abcdefghij",
    "ALLOWED_HOSTS": "help.example.org",
    "POSTGRES_PASSWORD": "0123456789abcdef0123456789abcdef",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# --- Compose-style interpolation ------------------------------------------------------
class MissingVariable(Exception):
    pass


_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^{}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<invalid>))"
)


def interpolate(value, env: dict):
    """Substitute ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ as Compose does."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match.group("escaped"):
            return "$"
        if match.group("invalid") is not None:
            raise ValueError(f"invalid interpolation in {value!r}")
        name = match.group("braced") or match.group("named")
        op, arg = match.group("op"), match.group("arg")
        current = env.get(name)
        unset_or_empty = not current
        missing = unset_or_empty if op and op.startswith(":") else current is None
        if op in (":-", "-"):
            return arg if missing else current
        if op in (":?", "?"):
            if missing:
                raise MissingVariable(f"{name}: {arg}")
            return current
        if op in (":+", "+"):
            return "" if missing else arg
        return current or ""

    return _INTERPOLATION.sub(substitute, value)


def environment_of(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


# --- Services, restart policies, dependencies -------------------------------------------
def test_every_service_is_defined(services):
    assert set(services) >= {"db", "redis", "cache", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_restart_unless_stopped(services, name):
    assert services[name]["restart"] == "unless-stopped"


def test_migrate_is_one_shot_and_runs_before_the_app(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(services, name):
    depends = services[name]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["cache"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ("db", "redis"))
def test_db_and_redis_have_healthchecks_and_named_volumes(compose, services, name):
    service = services[name]
    test = service["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert ("pg_isready" if name == "db" else "redis-cli ping") in command
    volumes = service["volumes"]
    assert volumes, f"{name} keeps its data in a volume"
    for volume in volumes:
        source, target = volume.split(":")[:2]
        assert source in compose["volumes"], f"{source} is a named volume"
    targets = {v.split(":")[1] for v in volumes}
    assert ("/var/lib/postgresql/data" if name == "db" else "/data") in targets


def test_images_and_redis_persistence(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    command = services["redis"]["command"]
    command = command if isinstance(command, list) else command.split()
    assert command[command.index("--appendonly") + 1] == "yes"


def test_the_cache_is_bounded_and_never_written_to_disk(services):
    cache = services["cache"]
    command = cache["command"]
    command = command if isinstance(command, list) else command.split()
    assert command[command.index("--maxmemory") + 1] == "256mb"
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert not cache.get("volumes")
    assert "redis-cli ping" in " ".join(cache["healthcheck"]["test"])


def test_web_runs_gunicorn_with_the_production_settings_file(services):
    command = services["web"]["command"]
    assert command == ["gunicorn", "-c", "apps/gunicorn_conf.py", "apps.wsgi:application"]
    assert GUNICORN_CONF.is_file()
    assert "8000" in services["web"]["ports"][0]
    assert services["web"]["ports"][0].startswith("127.0.0.1:"), "only the proxy reaches web"


def test_web_healthcheck_asks_healthz_and_is_valid_python(services):
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    code = interpolate(test[3], {})
    assert "/healthz" in code
    compile(code, "web-healthcheck", "exec")


def test_worker_and_beat_commands(compose, services):
    assert services["worker"]["command"] == ["celery", "-A", "apps", "worker", "-l", "info"]
    beat = services["beat"]["command"]
    assert beat[:6] == ["celery", "-A", "apps", "beat", "-l", "info"]
    schedule = beat[beat.index("--schedule") + 1]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["beat"]["volumes"]}
    folder = str(Path(schedule).parent)
    assert folder in mounts, "beat's schedule file lives in a volume"
    assert mounts[folder] in compose["volumes"]
    assert "deploy" not in services["beat"], "exactly one beat"


@pytest.mark.parametrize("name", ("migrate", *APP_SERVICES))
def test_app_services_share_the_built_image_and_env_file(services, name):
    service = services[name]
    assert service["build"] == "."
    assert service["image"] == services["web"]["image"]
    assert service["env_file"] == ".env"
    env = environment_of(service)
    assert env["WAYMARK_ENV"] == "production"
    assert env["HTTPS"] == "true"
    assert env["BEHIND_PROXY"] == "true"


# --- Secrets ------------------------------------------------------------------------
def test_no_secret_has_a_literal_or_default_value(services):
    checked = 0
    for name, service in services.items():
        for key, value in environment_of(service).items():
            if SECRET_NAME.search(key):
                assert value is not None and REQUIRED_REF.match(str(value)), (
                    f"{name}: {key} must be ${{VAR:?message}}, got {value!r}"
                )
                checked += 1
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", str(value)):
                assert REQUIRED_REF.match(password), f"{name}: {key} embeds a password"
                checked += 1
    assert checked >= 3  # SECRET_KEY, POSTGRES_PASSWORD and the password in DATABASE_URL


def test_no_secret_appears_in_the_raw_file():
    text = COMPOSE_FILE.read_text()
    literal = re.search(r"(?<![{\w])(SECRET_KEY|\w*PASSWORD)\s*[=:]\s*(?!\$\{)\S", text)
    assert not literal, f"a literal secret value: {literal.group(0) if literal else ''}"
    assert not re.search(r"\$\{\w*(PASSWORD|SECRET|TOKEN)\w*:?-", text), "no secret defaults"
    assert re.search(r"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", text)


def test_interpolated_configuration_is_complete(services):
    resolved = interpolate(services, DUMMY_ENV)
    web = environment_of(resolved["web"])
    assert web["SECRET_KEY"] == DUMMY_ENV["SECRET_KEY"]
    url = urlsplit(web["DATABASE_URL"])
    assert url.scheme == "postgres"
    assert url.hostname == "db"
    assert url.password == DUMMY_ENV["POSTGRES_PASSWORD"]
    assert url.path == "/" + environment_of(resolved["db"])["POSTGRES_DB"]
    assert url.username == environment_of(resolved["db"])["POSTGRES_USER"]
    assert urlsplit(web["CELERY_BROKER_URL"]).hostname == "redis"
    assert urlsplit(web["REDIS_URL"]).hostname == "cache"  # not the broker's Redis
    # Left for the container's shell: the db's own variables, the worker's host name.
    shell_variables = yaml.safe_dump(resolved).replace("${POSTGRES_", "").replace("${HOSTNAME}", "")
    assert "$" not in shell_variables


@pytest.mark.parametrize("missing", sorted(DUMMY_ENV))
def test_compose_refuses_to_start_without_a_required_variable(services, missing):
    env = {k: v for k, v in DUMMY_ENV.items() if k != missing}
    with pytest.raises(MissingVariable, match=missing):
        interpolate(services, env)


def test_production_settings_accept_the_compose_environment(services, tmp_path):
    """What compose hands the app is enough for WAYMARK_ENV=production to start."""
    env = {k: str(v) for k, v in environment_of(interpolate(services, DUMMY_ENV)["web"]).items()}
    env |= {"PATH": os.environ.get("PATH", ""), "WAYMARK_DATA_DIR": str(tmp_path)}
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.conf import settings
        db = settings.DATABASES["default"]
        print(settings.WAYMARK_ENV, db["ENGINE"], db["HOST"], settings.SECURE_PROXY_SSL_HEADER)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "apps.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "production django.db.backends.postgresql db ('HTTP_X_FORWARDED_PROTO', 'https')" in (
        result.stdout
    )


# --- docker compose itself, where the plugin exists ------------------------------------
def _compose_unavailable() -> str | None:
    if not shutil.which("docker"):
        return "the docker client is not installed"
    try:
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`docker compose version` could not run ({exc})"
    if probe.returncode != 0:
        return "the docker compose plugin is not available (`docker compose version` failed)"
    return None


def test_docker_compose_config_accepts_the_file(tmp_path):
    reason = _compose_unavailable()
    if reason:
        pytest.skip(f"needs `docker compose config`: {reason}")
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text("")
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    command = ["docker", "compose", "-f", "docker-compose.yml", "config", "--quiet"]
    ok = subprocess.run(command, cwd=tmp_path, env=base | DUMMY_ENV, capture_output=True)
    assert ok.returncode == 0, ok.stderr
    no_password = {k: v for k, v in DUMMY_ENV.items() if k != "POSTGRES_PASSWORD"}
    refused = subprocess.run(
        command, cwd=tmp_path, env=base | no_password, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stderr


# --- Dockerfile ---------------------------------------------------------------------
def dockerfile_instructions() -> list[tuple[str, str]]:
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    instructions = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def build_step_env() -> dict:
    """The placeholders exported for the build-time manage.py commands."""
    runs = [args for kw, args in dockerfile_instructions() if kw == "RUN"]
    step = next(args for args in runs if "collectstatic" in args)
    exported = re.search(r"export (.+?);", step).group(1)
    return dict(pair.split("=", 1) for pair in exported.split())


def image_env() -> dict:
    env = {}
    for keyword, args in dockerfile_instructions():
        if keyword == "ENV":
            env.update(dict(pair.split("=", 1) for pair in args.split()))
    return env


def test_image_is_python_311_slim_and_runs_gunicorn():
    instructions = dockerfile_instructions()
    assert instructions[0][0] == "FROM"
    assert instructions[0][1].startswith("python:3.11-slim")
    runs = " ".join(args for kw, args in instructions if kw == "RUN")
    assert "pip install --no-cache-dir --require-hashes -r requirements/base.lock" in runs
    assert "manage.py compile_catalogs" in runs
    assert "manage.py collectstatic --noinput" in runs
    assert ("EXPOSE", "8000") in instructions
    cmd = [args for kw, args in instructions if kw == "CMD"][-1]
    assert cmd == '["gunicorn", "-c", "apps/gunicorn_conf.py", "apps.wsgi:application"]'
    assert image_env()["WAYMARK_DATA_DIR"] == "/app/data"
    assert image_env()["WAYMARK_ENV"] == "production"


def test_image_runs_as_an_unprivileged_user():
    instructions = dockerfile_instructions()
    users = [(i, args) for i, (kw, args) in enumerate(instructions) if kw == "USER"]
    assert users, "the Dockerfile must switch to a non-root USER"
    index, user = users[-1]
    name = user.split(":")[0]
    assert name not in ("root", "0")
    assert all(kw not in ("RUN", "COPY", "ADD") for kw, _ in instructions[index + 1 :])
    runs = " ".join(args for kw, args in instructions if kw == "RUN")
    assert re.search(rf"useradd .*--system .*\b{name}\b", runs)


def test_image_bakes_in_no_secret():
    instructions = dockerfile_instructions()
    for keyword, args in instructions:
        if keyword in ("ENV", "ARG"):
            for pair in args.split():
                key = pair.split("=", 1)[0]
                assert not SECRET_NAME.search(key), f"{keyword} {key} bakes a secret in"
                assert key not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")
        if keyword in ("COPY", "ADD"):
            assert ".env" not in args.split()
    # The build-time placeholders are obviously not secrets, and not kept as ENV.
    build = build_step_env()
    assert "placeholder" in build["SECRET_KEY"]
    assert "@build.invalid" in build["DATABASE_URL"]
    assert ":" not in urlsplit(build["DATABASE_URL"]).netloc.split("@")[0]
    ignored = DOCKERIGNORE.read_text().split()
    for pattern in (".env", ".git", "data", "**/*.pgc"):
        assert pattern in ignored


def test_client_tools_match_the_database_major_version(services):
    arg = next(args for kw, args in dockerfile_instructions() if kw == "ARG")
    assert arg == "PG_MAJOR=" + services["db"]["image"].split(":")[1]


def test_build_step_collects_static_files_with_production_settings(tmp_path):
    """Replay the image's collectstatic with its placeholders: it must work offline."""
    env = image_env() | build_step_env()
    env |= {"PATH": os.environ.get("PATH", ""), "WAYMARK_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").is_file(), "WhiteNoise manifest"


# --- gunicorn settings -----------------------------------------------------------------
def load_gunicorn_conf(name="gunicorn_conf_under_test"):
    spec = importlib.util.spec_from_file_location(name, GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_access_log_keeps_no_client_details():
    conf = load_gunicorn_conf()
    fmt = conf.access_log_format
    for atom in FORBIDDEN_ATOMS:
        assert atom not in fmt
    assert not re.search(r"%\(\{[^}]*\}[ieo]\)s", fmt), "no header or environ atoms"
    assert "%(U)s" in fmt
    assert "%(s)s" in fmt
    assert conf.accesslog == "-"
    assert conf.bind == "0.0.0.0:8000"


def test_server_header_names_no_product_or_version():
    import gunicorn
    import gunicorn.http.wsgi

    conf = load_gunicorn_conf()
    for value in (gunicorn.SERVER, gunicorn.http.wsgi.SERVER, conf.SERVER_HEADER):
        assert value == conf.SERVER_HEADER
        assert not re.search(r"\d|gunicorn", value, re.IGNORECASE)


def test_workers_come_from_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert load_gunicorn_conf().workers == 5
    monkeypatch.setenv("WEB_CONCURRENCY", "lots")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        load_gunicorn_conf()
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(SystemExit, match="at least 1"):
        load_gunicorn_conf()


@pytest.mark.parametrize(("cores", "expected"), [(1, 3), (2, 5), (3, 7), (64, 8)])
def test_default_workers_are_two_per_core_plus_one_capped(monkeypatch, cores, expected):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert load_gunicorn_conf().workers == expected


def test_forwarded_allow_ips_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    assert load_gunicorn_conf().forwarded_allow_ips == "10.0.0.5"
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    assert load_gunicorn_conf().forwarded_allow_ips == "127.0.0.1,::1"


PROBE_APP = """
def app(environ, start_response):
    if environ["PATH_INFO"] == "/boom":
        raise RuntimeError("boom")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _probe_gunicorn(tmp_path, port: int) -> subprocess.Popen:
    """gunicorn with the production settings file, serving a tiny probe app on ``port``."""
    (tmp_path / "probe_app.py").write_text(PROBE_APP)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--chdir", str(tmp_path)]
        + ["probe_app:app"],
        env={"PATH": os.environ.get("PATH", ""), "LOG_LEVEL": "info", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {process.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


def test_gunicorn_logs_no_client_address_query_referer_or_agent(tmp_path):
    """Run gunicorn with the production settings file and read what it logs (QE-17)."""
    port = _free_port()
    client = "127.0.0.2"  # a loopback address of the client's own, distinct from the bind
    process = _probe_gunicorn(tmp_path, port)
    try:
        _wait_for(port, process)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(client, 0))
        conn.request(
            "GET",
            "/services/search?q=secret-term&near=secret-place",
            headers={"Referer": "https://referrer.example/secret-ref", "User-Agent": "Agent/9.9"},
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        server_header = response.getheader("Server")
        conn.request("GET", "/boom?q=boom-secret")
        failed = conn.getresponse()
        failed.read()
        assert failed.status == 500
        conn.close()
        with socket.create_connection(("127.0.0.1", port), 10, (client, 0)) as raw:
            raw.sendall(b"BAD REQUEST LINE /x?q=malformed-secret\r\n\r\n")
            assert raw.recv(1024).startswith(b"HTTP/1.1 400")
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)

    assert server_header == "web"
    assert '"GET /services/search HTTP/1.1" 200' in stdout
    assert re.search(r'"GET \S+ HTTP/1.1" 500', stdout)
    assert "Error handling request GET /boom" in stderr
    assert "Invalid request from ip=[hidden]" in stderr
    logs = stdout + stderr
    for secret in (client, "secret-term", "secret-place", "boom-secret", "malformed-secret"):
        assert secret not in logs
    assert "referrer.example" not in logs
    assert "Agent/9.9" not in logs


def test_web_healthcheck_passes_against_the_production_app(services, tmp_path):
    """The compose healthcheck, run against gunicorn serving the real app (RR-10)."""
    env = {k: str(v) for k, v in environment_of(interpolate(services, DUMMY_ENV)["web"]).items()}
    env |= {
        "PATH": os.environ.get("PATH", ""),
        "WAYMARK_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "apps.settings",
    }
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "apps.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, process)
        code = interpolate(services["web"]["healthcheck"]["test"][3], {})
        code = code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        healthy = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
        )
        wrong_host = subprocess.run(
            [sys.executable, "-c", code],
            env=env | {"ALLOWED_HOSTS": "not-this-site.example"},
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    assert healthy.returncode == 0, healthy.stderr[-2000:] + stderr[-2000:]
    assert '"GET /healthz HTTP/1.1" 200' in stdout
    assert wrong_host.returncode != 0, "the check must fail when the site refuses the request"


# --- worker and beat health checks (issue #18 item 10) --------------------------------


def _healthcheck_shell(services, name) -> str:
    test = services[name]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL"
    return interpolate(test[1], {}).replace("$$", "$")


def test_worker_and_beat_have_health_checks_that_ping_a_worker(services):
    for name in ("worker", "beat"):
        assert "celery -A apps inspect ping" in _healthcheck_shell(services, name), name
    assert "celerybeat-schedule" in _healthcheck_shell(services, "beat")


@pytest.mark.redis
def test_the_worker_health_check_passes_with_a_worker_and_fails_without(services):
    """The compose command, run for real against a worker on a Redis of the test's own."""
    from tests.redis_server import PrivateRedis

    broker = PrivateRedis()
    broker.start()
    hostname = socket.gethostname()
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker.url,
        "HOSTNAME": hostname,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }
    env.pop("REDIS_URL", None)
    check = _healthcheck_shell(services, "worker")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "apps", "worker", "-P", "solo", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        passed = False
        for _ in range(30):
            if subprocess.run(["sh", "-c", check], cwd=ROOT, env=env).returncode == 0:
                passed = True
                break
            time.sleep(1)
        assert passed, "the health check never passed with the worker running"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert subprocess.run(["sh", "-c", check], cwd=ROOT, env=env).returncode != 0
    broker.stop()


def test_a_cr_lf_in_the_path_cannot_forge_an_access_log_line(tmp_path):
    """QE-17, issue #18 item 9: %0D%0A in a path is decoded into PATH_INFO; the access
    log writes it escaped, on one line."""
    port = _free_port()
    process = _probe_gunicorn(tmp_path, port)
    forged = '127.0.0.1 - - "GET /admin HTTP/1.1" 200 FORGED'
    try:
        _wait_for(port, process)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/a%0D%0A" + forged.replace(" ", "%20").replace('"', "%22"))
        conn.getresponse().read()
        conn.close()
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, _stderr = process.communicate(timeout=30)
    lines = [line for line in stdout.splitlines() if "FORGED" in line]
    assert len(lines) == 1, stdout
    assert lines[0].startswith("[") and "\\r\\n" in lines[0]
    assert not any(line.startswith("127.0.0.1 - -") for line in stdout.splitlines())
