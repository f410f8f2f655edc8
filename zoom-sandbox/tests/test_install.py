"""The sandbox installs and runs on its own, from a new virtualenv, with its own
dependency list only (pyproject.toml beside src/): nothing of slotlink, nor Django."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox_helpers import free_port

SANDBOX_DIR = Path(__file__).resolve().parents[1]
# The repository's pins, so that pip resolves quickly and to what slotlink tests with.
CONSTRAINTS = SANDBOX_DIR.parent / "constraints.txt"
REDIRECT_URI = "http://127.0.0.1:8000/zoom/callback/"


def isolated_environment() -> dict[str, str]:
    """This process's environment without what would let the new virtualenv see this one's
    packages or this checkout."""
    hidden = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONUSERBASE"}
    return {k: v for k, v in os.environ.items() if k not in hidden} | {"PYTHONNOUSERSITE": "1"}


def sandbox_installed_alone(tmp_path: Path, env: dict[str, str]) -> Path:
    """A new virtualenv (no system site-packages) with the sandbox pip-installed from a copy
    of its directory (a build leaves nothing in the checkout); returns its bin directory."""
    source = tmp_path / "zoom-sandbox"
    shutil.copytree(
        SANDBOX_DIR / "src",
        source / "src",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(SANDBOX_DIR / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "install", "--quiet", "-c", str(CONSTRAINTS), str(source)],
        check=True,
        env=env,
        timeout=300,
    )
    return venv / "bin"


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base_url}/_sandbox/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"zoom-sandbox exited with {process.returncode}:\n{output}")
        assert time.monotonic() < deadline, "zoom-sandbox did not answer in 30 s"
        time.sleep(0.1)


@pytest.mark.processes
def test_installs_in_a_fresh_virtualenv_and_serves_zoom(tmp_path: Path) -> None:
    """`pip install zoom-sandbox/` into a new virtualenv gives a `zoom-sandbox` command,
    without slotlink or Django in it, that serves its pages, Zoom's OAuth token endpoint,
    the REST API with the token it gave, and its control API; SIGTERM stops it."""
    env = isolated_environment()
    bin_dir = sandbox_installed_alone(tmp_path, env)
    python = str(bin_dir / "python")
    absent = subprocess.run(
        [
            python,
            "-c",
            "import importlib.util as u; print(u.find_spec('slotlink'), u.find_spec('django'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert absent.stdout.split() == ["None", "None"]

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(bin_dir / "zoom-sandbox"), "--port", str(port), "--log-level", "warning"],
        env=env | {"ZOOM_CLIENT_ID": "alone-client", "ZOOM_REDIRECT_URI": REDIRECT_URI},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_healthy(base_url, process)
        control = httpx.Client(
            base_url=f"{base_url}/_sandbox", headers={"Content-Type": "application/json"}
        )
        app = control.get("/app").json()
        assert app["client_id"] == "alone-client"
        user = control.post(
            "/users", json={"email": "alone@example.com", "password": "pw", "first_name": "Al"}
        ).json()
        assert "alone@example.com" in httpx.get(f"{base_url}/").text

        # Added from the Marketplace: the browser comes back with a code, which the app
        # trades for tokens at Zoom's token endpoint.
        redirect = control.post(f"/users/{user['id']}/marketplace-install").json()["redirect"]
        code = parse_qs(urlsplit(redirect).query)["code"][0]
        tokens = httpx.post(
            f"{base_url}/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
            auth=(app["client_id"], app["client_secret"]),
        )
        assert tokens.status_code == 200, tokens.text
        me = httpx.get(
            f"{base_url}/v2/users/me",
            headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
        )
        assert me.status_code == 200, me.text
        assert (me.json()["id"], me.json()["email"]) == (user["id"], "alone@example.com")
    finally:
        process.terminate()
        process.wait(timeout=20)  # uvicorn stops, then ends by the signal it was sent
