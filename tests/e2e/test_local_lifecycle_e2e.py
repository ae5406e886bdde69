"""Starting and stopping the emulator: clean shutdown, the command line, startup errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cognito_api_construct.local import LocalApi
from cognito_api_construct.local.api import LocalApiError
from cognito_api_construct.local.cli import banner

from .helpers import TINY_ASSEMBLY, call


def _port_is_free(port: int) -> bool:
    """Whether a new server could listen there (as servers do, despite TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_close_frees_the_port_and_ends_every_process() -> None:
    # given a started emulator that has served a request
    api = LocalApi.from_cdk_out(TINY_ASSEMBLY, port=0)
    with api:
        assert call("GET", f"{api.url}public/x").status == 200
        port, services_port = api.port, int(api.services_url.rsplit(":", 1)[1])
        front_port = int(api.cognito_url.rsplit(":", 1)[1])
        workers = api.worker_pids()
        assert workers

    # when it has been closed
    # then its ports are free and no worker process is left
    assert _port_is_free(port)
    assert _port_is_free(services_port)
    assert _port_is_free(front_port)
    assert not [pid for pid in workers if _alive(pid)]


def test_gateway_binds_loopback_only(tiny_api: LocalApi) -> None:
    # given the running emulator with default settings
    # then its gateway and services listen on 127.0.0.1
    assert tiny_api.url.startswith("http://127.0.0.1:")
    assert tiny_api.services_url.startswith("http://127.0.0.1:")
    assert tiny_api.cognito_url.startswith("http://127.0.0.1:")


def test_cli_prints_routes_and_stops_cleanly_on_ctrl_c() -> None:
    # given the command serving the tiny assembly on a free port
    command = [sys.executable, "-m", "cognito_api_construct.local", "serve"]
    process = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [*command, "--cdk-out", str(TINY_ASSEMBLY), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C"):
                break
        banner = "\n".join(lines)
        url = banner.split("at ", 1)[1].splitlines()[0]

        # when it is called, then interrupted
        status = call("GET", f"{url}public/cli").status
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=15)
    finally:
        process.kill()
        process.wait()

    # then it served, listed every route with its guard, and exited 0 with its port freed
    assert status == 200
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/dev/")
    assert f"GET     {url}public/{{name}}  (public)" in banner
    assert f"POST    {url}items  (protected)" in banner
    assert f"GET     {url}v1/reports/{{id}}  (protected)" in banner
    assert "User pool: us-east-1_" in banner
    assert code == 0
    assert _port_is_free(int(url.split(":")[2].split("/")[0]))


def test_cli_reports_several_apis_with_a_listing(tmp_path: Path) -> None:
    # given an assembly with two stacks, each with an API
    assembly = tmp_path / "cdk.out"
    shutil.copytree(TINY_ASSEMBLY, assembly)
    manifest = json.loads((assembly / "manifest.json").read_text())
    second = dict(manifest["artifacts"]["TinyStack"], displayName="SecondStack")
    manifest["artifacts"]["SecondStack"] = second
    (assembly / "manifest.json").write_text(json.dumps(manifest))

    # when the command is run without --stack
    completed = subprocess.run(  # noqa: S603 - our own command, no shell
        [sys.executable, "-m", "cognito_api_construct.local", "serve", "--cdk-out", str(assembly)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # then it fails with a message naming both and the option to choose
    assert completed.returncode == 2
    assert "TinyStack (TinyApi0A1B2C3D)" in completed.stderr
    assert "SecondStack (TinyApi0A1B2C3D)" in completed.stderr
    assert "--stack" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_an_unrunnable_function_answers_502_on_its_routes_only(tmp_path: Path) -> None:
    # given the tiny assembly whose echo function is switched to Ruby
    assembly = tmp_path / "cdk.out"
    shutil.copytree(TINY_ASSEMBLY, assembly)
    template_path = assembly / "TinyStack.template.json"
    template = json.loads(template_path.read_text())
    template["Resources"]["EchoFunction4A5B6C7D"]["Properties"]["Runtime"] = "ruby3.3"
    template_path.write_text(json.dumps(template))

    # when the emulator serves it, and the echo route and another function's are called
    with LocalApi.from_cdk_out(assembly, port=0) as api:
        echo = call("GET", f"{api.url}public/x")
        slow = call("POST", f"{api.url}slow", {"seconds": 0})
        banner_lines = banner(api)

    # then the echo route answers 502 naming the function and its runtime, the rest
    # serves, and the banner lists the function that cannot run
    assert echo.status == 502
    assert echo.json() == {
        "message": echo.json()["message"],
    }
    assert "EchoFunction4A5B6C7D" in echo.json()["message"]
    assert "'ruby3.3'" in echo.json()["message"]
    assert slow.status == 200
    assert "EchoFunction4A5B6C7D" in banner_lines
    assert "ruby3.3" in banner_lines


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node on PATH")
def test_inline_node_function_answers_through_the_gateway(tmp_path: Path) -> None:
    # given the tiny assembly whose slow function is inline Node.js code
    assembly = tmp_path / "cdk.out"
    shutil.copytree(TINY_ASSEMBLY, assembly)
    template_path = assembly / "TinyStack.template.json"
    template = json.loads(template_path.read_text())
    slow = template["Resources"]["SlowFunction8E9F0A1B"]
    slow.pop("Metadata", None)  # its aws:asset:path would win over the inline code
    slow["Properties"].update(
        Runtime="nodejs20.x",
        Handler="index.handler",
        Code={
            "ZipFile": "exports.handler = async (event) => ({statusCode: 200, "
            "body: JSON.stringify({runtime: process.env.AWS_EXECUTION_ENV, "
            "seconds: JSON.parse(event.body).seconds})})"
        },
    )
    template_path.write_text(json.dumps(template))

    # when its route is called
    with LocalApi.from_cdk_out(assembly, port=0) as api:
        reply = call("POST", f"{api.url}slow", {"seconds": 0})

    # then the Node.js handler answered the proxy event
    assert reply.status == 200
    assert reply.json() == {"runtime": "AWS_Lambda_nodejs20.x", "seconds": 0}


def test_env_override_for_an_unknown_function_is_refused() -> None:
    # given an --env naming no function of the API
    api = LocalApi.from_cdk_out(TINY_ASSEMBLY, env={"Nope.VAR": "x"}, port=0)

    # when it starts
    # then the error lists the functions one can name
    with pytest.raises(LocalApiError, match=r"'Nope' matches no function the app runs.*Echo"):
        api.start()


def test_secret_value_for_an_unknown_secret_is_refused() -> None:
    # given a --secret naming no secret of the stack
    api = LocalApi.from_cdk_out(TINY_ASSEMBLY, secrets={"typo-key": "x"}, port=0)

    # when it starts
    # then the error lists the secrets one can name
    with pytest.raises(LocalApiError, match=r"--secret typo-key.*tiny-api-key"):
        api.start()
