"""``neuronlab playground``: start the local web app and open it in the browser."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser

from neuronlab.playground import create_app


def add_playground_parser(sub) -> None:
    p = sub.add_parser(
        "playground",
        help="train networks in the browser (TensorFlow Playground on neuronlab)",
        description="Start the playground on http://HOST:PORT and open it in the browser. "
        "It binds to 127.0.0.1 (this machine only) unless --host says otherwise.",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="the page's language (default en)")
    p.set_defaults(run=cmd_playground)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def cmd_playground(args) -> int:
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be from 0 to 65535, got {args.port}")
    try:
        import uvicorn
    except ImportError:
        raise RuntimeError(
            "the playground needs its web stack: pip install 'neuronlab[playground]'"
        ) from None
    port = args.port or _free_port(args.host)
    app = create_app(lang=args.lang, host=args.host)
    server = uvicorn.Server(
        uvicorn.Config(app, host=args.host, port=port, log_level="warning", ws_max_size=2_000_000)
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else shown}:{port}/"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: other machines can reach the playground")

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            print(f"neuronlab playground: {url}  (Ctrl+C stops it)", flush=True)
            if not args.no_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
    return 0
