"""The sandbox stays up and consistent under what a red team sends it: a failed write stores nothing, bodies
are capped, deep JSON is a 400, trickling headers are cut off, and every list endpoint still answers 200."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from aac.cli import main
from aac.sandbox.common import JSON_BODY_MAX, MAX_DEPTH
from aac.sandbox.server import HEADER_TIMEOUT_S, RunningSandbox

HEADERS = {"Authorization": "Bearer sk-test", "OpenAI-Beta": "assistants=v2, agents=v1",
           "Content-Type": "application/json"}
LISTS = ("/v1/assistants", "/v1/vector_stores", "/v1/files", "/v1/models", "/v1/agents", "/v1/vaults")


def _send(sandbox: RunningSandbox, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=HEADERS)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def _hostile_writes(store_id: str) -> list[tuple[str, str, bytes]]:
    lone = '"x\\ud800y"'  # JSON text: a lone surrogate as an escape
    deep = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return [
        ("POST", "/v1/assistants", f'{{"model": "gpt-4o", "name": {lone}}}'.encode()),
        ("POST", "/v1/assistants", f'{{"model": "gpt-4o", "instructions": {lone}}}'.encode()),
        ("POST", "/v1/assistants", f'{{"model": "gpt-4o", "metadata": {{{lone}: "v"}}}}'.encode()),
        ("POST", "/v1/assistants", b'{"model": "gpt-4o", "temperature": NaN}'),
        ("POST", "/v1/assistants", b'{"model": "gpt-4o", "top_p": Infinity}'),
        ("POST", "/v1/assistants", b'{"model": "gpt-4o", "metadata": {"k": ' + b"9" * 5000 + b"}}"),
        ("POST", "/v1/vector_stores", f'{{"name": "kb", "metadata": {{"k": {lone}}}}}'.encode()),
        ("POST", "/v1/vector_stores", f'{{"metadata": {{{lone}: "v"}}}}'.encode()),
        ("POST", f"/v1/vector_stores/{store_id}", f'{{"name": {lone}}}'.encode()),
        ("POST", f"/v1/vector_stores/{store_id}", f'{{"metadata": {{{lone}: "v"}}}}'.encode()),
        ("POST", f"/v1/vector_stores/{store_id}/files", f'{{"file_id": {lone}}}'.encode()),
        ("POST", "/v1/vector_stores", deep),
        ("POST", "/v1/vector_stores", b'{"name": ' + b"[" * (MAX_DEPTH + 2) + b"]" * (MAX_DEPTH + 2) + b"}"),
        ("POST", "/v1/vector_stores", b'{"name": "' + b"x" * (JSON_BODY_MAX + 1) + b'"}'),
        ("POST", "/v1/assistants", b"\xff\xfe not utf-8"),
        ("POST", "/v1/agents", f'{{"model": "gpt-5", "name": {lone}}}'.encode()),
        ("POST", "/v1/agents", b'{"model": "gpt-5", "name": "a", "metadata": {"k": NaN}}'),
        ("POST", "/v1/vaults", f'{{"metadata": {{{lone}: "v"}}}}'.encode()),
        ("POST", "/v1/vaults", b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ]


def test_no_hostile_write_is_stored_and_every_list_still_answers_200(sandbox: RunningSandbox) -> None:
    status, store = _send(sandbox, "POST", "/v1/vector_stores", b'{"name": "kept"}')
    assert status == 200
    for method, path, body in _hostile_writes(store["id"]):
        status, answer = _send(sandbox, method, path, body)
        assert status in (400, 413), (path, body[:80], status, answer)
        assert set(answer["error"]) == {"message", "type", "param", "code"}
    for path in (*LISTS, f"/v1/vector_stores/{store['id']}/files"):
        status, page = _send(sandbox, "GET", path)
        assert status == 200, (path, page)
    for path in ("/v1/assistants", "/v1/agents", "/v1/vaults"):
        assert _send(sandbox, "GET", path)[1]["data"] == [], path
    stores = _send(sandbox, "GET", "/v1/vector_stores")[1]["data"]
    assert [(s["id"], s["name"], s["metadata"]) for s in stores] == [(store["id"], "kept", {})]
    assert _send(sandbox, "DELETE", f"/v1/vector_stores/{store['id']}")[0] == 200


def test_a_body_over_the_cap_is_a_413_in_the_api_shape(sandbox: RunningSandbox) -> None:
    status, answer = _send(sandbox, "POST", "/v1/assistants", b'{"model": "' + b"m" * (JSON_BODY_MAX + 10) + b'"}')
    assert status == 413 and answer["error"]["code"] == "request_too_large"


def test_a_client_trickling_its_headers_is_cut_off(sandbox: RunningSandbox) -> None:
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=HEADER_TIMEOUT_S * 4) as slow:
        slow.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < HEADER_TIMEOUT_S * 3:
            try:
                slow.sendall(b"X-Slow: 1\r\n")  # never the blank line that ends the headers
            except OSError:
                closed = True
                break
            slow.settimeout(0.5)
            try:
                if slow.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed, "the server held a connection whose headers never ended"
    assert _send(sandbox, "GET", "/v1/models")[0] == 200


@pytest.mark.parametrize("host", ["[::1]", "::1"])
def test_an_ipv6_loopback_in_brackets_is_served_or_refused_without_blaming_the_port(
        host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with socket.socket(socket.AF_INET6) as busy:
        busy.bind(("::1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["-C", str(tmp_path), "sandbox", "serve", "--host", host, "--port", str(port),
                     "--db", ":memory:"]) == 1
    err = capsys.readouterr().err
    assert f"cannot serve on [::1]:{port}: the port is in use" in err


def test_a_host_that_does_not_resolve_is_named_not_blamed_on_the_port(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(tmp_path), "sandbox", "serve", "--host", "[::1", "--allow-remote", "--db",
                 ":memory:"]) == 1
    err = capsys.readouterr().err
    assert "not an address or a host name that resolves" in err and "--port" not in err


@pytest.mark.parametrize(("path", "headers", "status"), [
    ("/v1/vaults/vault_missing", HEADERS, 404),
    ("/v1/vector_stores/vs_missing/files", HEADERS, 404),
    ("/v1/assistants", {**HEADERS, "OpenAI-Beta": ""}, 400),
    ("/v1/no/such/route", HEADERS, 404),
])
def test_an_error_found_before_a_large_body_is_answered_not_reset(
        sandbox: RunningSandbox, path: str, headers: dict[str, str], status: int) -> None:
    """Answering mid-upload, then closing, resets a client still sending: it sees a connection error, not the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=60)
    try:
        connection.request("POST", path, body=b'{"name": "' + b"x" * 5_000_000 + b'"}',
                           headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())["error"]["type"]) == (status, "invalid_request_error")
    finally:
        connection.close()
