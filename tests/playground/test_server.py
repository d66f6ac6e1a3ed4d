"""The web app: the page and its assets are served locally, and a bad request never kills a session."""

import json

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx2")
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from neuronlab.playground import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def ask(ws, message):
    ws.send_text(json.dumps(message))
    return json.loads(ws.receive_text())


def test_page_and_assets_are_served_with_nothing_from_the_network(client):
    page = client.get("/")
    assert page.status_code == 200 and 'data-testid="play"' in page.text and 'data-testid="loss"' in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    everything = page.text + client.get("/static/app.js").text + client.get("/static/style.css").text
    assert (
        "http://" not in everything.replace("http://www.w3.org/2000/svg", "") and "https://" not in everything
    )
    schema = client.get("/api/schema").json()
    assert {c["name"] for c in schema["controls"]} >= {"dataset", "hidden", "activation", "learning_rate"}


def test_bad_requests_are_answered_and_the_session_goes_on(client):
    with client.websocket_connect("/ws") as ws:
        assert [m["type"] for m in ask(ws, {"type": "hello", "id": 1})["messages"]] == [
            "config",
            "data",
            "frame",
        ]
        ws.send_text("{not json")
        assert "not valid JSON" in json.loads(ws.receive_text())["error"]
        ws.send_bytes(b"\x00\x01")
        assert "JSON text" in json.loads(ws.receive_text())["error"]
        assert "unknown message type" in ask(ws, {"type": "exec", "code": "import os", "id": 2})["error"]
        reply = ask(ws, {"type": "config", "config": {"learning_rate": "1; rm -rf /"}, "id": 3})
        assert reply["id"] == 3 and "learning_rate must be a finite number" in reply["error"]
        ws.send_text(json.dumps({"type": "csv", "text": "x" * 2_100_000}))
        assert "too large" in json.loads(ws.receive_text())["error"]
        frame = ask(ws, {"type": "step", "steps": 5, "id": 4})["messages"][0]
        assert frame["step"] == 5


def test_each_connection_has_its_own_session(client):
    with client.websocket_connect("/ws") as a, client.websocket_connect("/ws") as b:
        ask(a, {"type": "config", "config": {"dataset": "spiral"}})
        ask(a, {"type": "step", "steps": 7})
        config_b = ask(b, {"type": "hello"})["messages"][0]["config"]
        assert config_b["dataset"] == "circle"
        assert ask(b, {"type": "step", "steps": 1})["messages"][0]["step"] == 1


def test_other_sites_and_hosts_are_refused(client):
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_text()
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
