"""The web app: Starlette routes and one WebSocket per browser tab, served by uvicorn.

Routes: ``/`` the page, ``/static/*`` its JavaScript and CSS (shipped in the package, nothing
from the network), ``/api/schema`` the table of controls, ``/ws`` the session. Each
WebSocket connection gets its own ``Session``; each request ``{"id": n, ...}`` is answered by
``{"id": n, "messages": [...]}`` or ``{"id": n, "error": "..."}``. Training runs in a worker
thread so one tab's steps never stall another tab's page. A bad request is answered with an
error and the connection goes on; nothing a page sends is executed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from neuronlab.playground.config import CONTROLS, ConfigError
from neuronlab.playground.session import Session

__all__ = ["MAX_MESSAGE_BYTES", "create_app"]

STATIC = Path(__file__).with_name("static")
MAX_MESSAGE_BYTES = 2_000_000  # a CSV upload is at most 1 MB of text
MAX_SESSIONS = 32
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")
log = logging.getLogger("neuronlab.playground")


def create_app(lang: str = "en", host: str = "127.0.0.1") -> Starlette:
    """The playground app; ``lang`` is the page's default language ("en" or "zh")."""
    allowed = ["*"] if host in ("0.0.0.0", "::") else sorted({*LOCAL_HOSTS, host})
    state = {"sessions": 0}

    async def page(request):
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def schema(request):
        controls = [{**c.__dict__, "default": _jsonable(c.default)} for c in CONTROLS]
        return JSONResponse({"controls": controls, "lang": lang})

    async def socket(ws: WebSocket):
        if not _same_origin(ws, allowed) or state["sessions"] >= MAX_SESSIONS:
            await ws.close(code=1008)
            return
        await ws.accept()
        state["sessions"] += 1
        try:
            await _serve(ws, Session())
        except WebSocketDisconnect:
            pass
        finally:
            state["sessions"] -= 1

    routes = [
        Route("/", page),
        Route("/api/schema", schema),
        WebSocketRoute("/ws", socket),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)])


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _same_origin(ws: WebSocket, allowed: list[str]) -> bool:
    """Refuse pages from other sites (a browser sends their Origin): they must not drive a session."""
    origin = ws.headers.get("origin")
    if origin is None or "*" in allowed:
        return True
    return urlsplit(origin).hostname in {h.strip("[]") for h in allowed}


async def _serve(ws: WebSocket, session: Session) -> None:
    lock = asyncio.Lock()
    while True:
        received = await ws.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        text = received.get("text") or ""
        reply: dict[str, Any] = {"id": None}
        try:
            if not text:
                raise ConfigError("messages are JSON text")
            if len(text) > MAX_MESSAGE_BYTES:
                raise ConfigError(f"message too large (over {MAX_MESSAGE_BYTES // 1000} kB)")
            message = json.loads(text)
            if isinstance(message, dict):
                reply["id"] = message.get("id") if isinstance(message.get("id"), int) else None
            async with lock:
                start = time.perf_counter()
                reply["messages"] = await asyncio.to_thread(session.handle, message)
                reply["seconds"] = round(time.perf_counter() - start, 4)
        except json.JSONDecodeError as error:
            reply["error"] = f"not valid JSON: {error.msg}"
        except (ValueError, KeyError, TypeError) as error:  # ConfigError and CSVError are ValueErrors
            reply["error"] = str(error) or type(error).__name__
        except Exception as error:  # a bug must not take the server down: log it, tell the page
            log.exception("playground request failed")
            reply["error"] = f"internal error ({type(error).__name__}): {error}"
        await ws.send_text(json.dumps(reply, allow_nan=False, default=_jsonable))
