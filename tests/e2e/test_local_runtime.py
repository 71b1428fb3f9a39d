"""`make run` as a developer meets it: loopback only, and says so."""

import socket
from pathlib import Path
from urllib.parse import urlsplit

import requests


def _non_loopback_address() -> str | None:
    """This machine's address on its default route, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


def test_the_local_system_listens_on_loopback_only(local_system: dict[str, str]) -> None:
    # Given the running system's API and embedded AWS ports
    ports = [urlsplit(local_system[k]).port for k in ("ApiUrl", "AwsEndpointUrl")]
    log = (Path(local_system["StateDir"]) / "run.log").read_text()

    # Then it said so when it started, and it answers on loopback
    assert "Listening on loopback (127.0.0.1) only" in log
    assert requests.get(f"{local_system['ApiUrl']}catalog/items?limit=1", timeout=10).ok
    # And not on the machine's other address
    address = _non_loopback_address()
    for port in ports if address else []:
        with socket.socket() as client:
            client.settimeout(2)
            assert client.connect_ex((address, port)) != 0, f"{address}:{port} is reachable"
