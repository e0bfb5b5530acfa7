"""The production stack of docker-compose.yml, started natively on loopback.

Docker does not run on CI machines, so the stack test starts the same commands the
compose file gives its services (read from the file, never copied), with the production
settings of .env.example, against the real PostgreSQL and Redis and a local SMTP server.
Every process gets its own process group, so that stopping or killing it also stops the
children it forked (gunicorn's and Celery's workers).
"""

import asyncio
import email
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"


def compose_services():
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def app_commands():
    """The commands of the services that run the tracker's own image, by service name."""
    return {
        name: service["command"]
        for name, service in compose_services().items()
        if "build" in service
    }


def running_services():
    """The long-running services of our image (every one but the one-off ``migrate``), in
    the order the stack starts them."""
    return [name for name in app_commands() if name != "migrate"]


def example_environment():
    """The variables .env.example sets (not the commented ones), as docker compose reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name] = value
    return values


def production_environment():
    """.env.example as an operator fills it in: production refuses the placeholder key."""
    return {**example_environment(), "DJANGO_SECRET_KEY": secrets.token_urlsafe(64)}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailCatcher:
    """An SMTP server's handler that keeps every message, and can hold one in mid-delivery.

    Holding makes "kill the worker while it sends" deterministic: the message at the held
    position waits, unanswered, until the test has killed the sender; it is then refused
    (451), as a real server would when the client is gone, and never counted as received.
    """

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.hold_at = None  # hold the n-th message received after arm_hold()
        self.counted_since_arm = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    def arm_hold(self, position):
        with self.lock:
            self.hold_at, self.counted_since_arm = position, 0
            self.holding.clear()
            self.release.clear()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            hold = self.hold_at is not None and self.counted_since_arm + 1 == self.hold_at
            if hold:
                self.hold_at = None
            else:
                self.counted_since_arm += 1
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Sender went away; try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def received(self):
        with self.lock:
            return [(str(m["To"]), " ".join(str(m["Subject"]).split()), m) for m in self.messages]


def manage(stack, *args, timeout=600):
    """``manage.py <args>`` with the stack's settings; returns what it printed."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    ).stdout


class NativeStack:
    """Starts and stops the compose services' commands as local processes."""

    def __init__(self, workdir, *, database_url, redis_url, smtp_port):
        self.workdir = Path(workdir)
        self.logs = self.workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.commands = app_commands()
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        venv_bin = str(Path(sys.executable).parent)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TRACKER_"))},
            **production_environment(),
            # What the compose file's services would get from their network, here on loopback.
            "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{self.port}",
            "SITE_BASE_URL": f"https://127.0.0.1:{self.port}",
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "TRACKER_VAR_DIR": str(self.workdir / "var"),
            # A worker killed while sending leaves its claim; let another take it over soon.
            "TRACKER_DISPATCH_CLAIM_SECONDS": "3",
        }
        self.processes = {}

    def run(self, argv, name, timeout=300):
        """Run a one-off command (like the image build or the migrate service) to the end."""
        with open(self.logs / f"{name}.log", "ab") as log:
            subprocess.run(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=timeout,
            )

    def build(self):
        """What the Dockerfile does at build time: collect the static files."""
        self.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], "build")

    def start(self, service):
        with open(self.logs / f"{service}.log", "ab") as log:
            self.processes[service] = subprocess.Popen(
                self.commands[service],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.processes[service]

    def kill(self, service, sig=signal.SIGKILL):
        process = self.processes.pop(service, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self):
        """Stop everything, gently first; also after a failure."""
        for service in list(self.processes):
            self.kill(service, signal.SIGTERM)

    def log(self, service):
        path = self.logs / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_until(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for service, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(
                        f"{service} exited ({process.returncode}) while waiting for {what}:\n"
                        + self.log(service)[-3000:]
                    )
            result = condition()
            if result:
                return result
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")

    def cleanup(self):
        shutil.rmtree(self.workdir / "static", ignore_errors=True)


class BehindTlsProxy(requests.cookies.RequestsCookieJar):
    """Send the tracker's Secure cookies back over loopback HTTP: the test plays the
    TLS-terminating proxy that production has in front of gunicorn."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def browser(stack):
    session = requests.Session()
    session.cookies = BehindTlsProxy()
    origin = f"https://127.0.0.1:{stack.port}"
    session.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin})
    return session
