"""`python -m local.arca`: the simulator alone, as a developer or a benchmark starts it."""

import signal
import socket
import subprocess
import sys
import urllib.request

from local.template import REPO_ROOT


def test_the_simulator_runs_alone_and_stops_on_sigterm(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "local.arca", "--port", "0", "--state-dir", str(tmp_path), "--reuse-window", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = process.stdout.readline()
        assert ready.startswith("READY "), ready
        urls = dict(part.split("=", 1) for part in ready.split()[1:])
        with urllib.request.urlopen(urls["wsfe"] + "?WSDL", timeout=5) as response:
            assert urls["wsfe"].encode() in response.read()
        with urllib.request.urlopen(urls["control"] + "settings", timeout=5) as response:
            assert b'"reuse_window_seconds": 0.0' in response.read()
        assert (tmp_path / "arca" / "ca.pem").exists()  # the CA lives in <state-dir>/arca
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(10)
    assert code == 0


def test_a_port_in_use_fails_cleanly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "local.arca", "--port", str(port), "--state-dir", str(tmp_path)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert "cannot start the ARCA simulator" in done.stdout
