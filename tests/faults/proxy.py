"""A small threaded TCP proxy that injects faults between the product and a real server.

Modes (switch at any time with `set_mode`):

- ``pass``   forward both ways (the server is healthy);
- ``refuse`` stop listening and drop every open connection (the server is stopped): new
  connections get "connection refused", open ones a reset;
- ``drop``   accept, then close at once; open connections are closed (a flapping network);
- ``hang``   accept and never answer; open connections stop forwarding in both directions
  (a frozen server or a lock held forever: the client's bytes are taken and nothing comes back).

The real servers are shared by other engineers and never stopped: the product is pointed at
the proxy instead. Every loop waits at most POLL seconds, so `close()` ends it all quickly.
"""
from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time

POLL = 0.05
MODES = ("pass", "refuse", "drop", "hang")


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.mode = "pass"
        self._lock = threading.Lock()
        self._conns: list[tuple[socket.socket, socket.socket]] = []
        self._closing = threading.Event()
        self._listener: socket.socket | None = None
        self.port = port
        self._listen()
        self._thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self._thread.start()

    # -- control ---------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            previous, self.mode = self.mode, mode
        if mode in ("refuse", "drop"):
            self._drop_all()
        if mode == "refuse" and previous != "refuse":
            self._unlisten()
        elif mode != "refuse" and previous == "refuse":
            self._listen()

    def url_for(self, url: str) -> str:
        """`url` (a database or Redis URL of the target) with host:port replaced by the proxy's."""
        host, port = self.target
        return url.replace(f"{host}:{port}", f"127.0.0.1:{self.port}", 1)

    def close(self) -> None:
        self._closing.set()
        self._unlisten()
        self._drop_all()
        self._thread.join(timeout=2)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._conns)

    # -- internals -------------------------------------------------------------------------
    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        deadline = time.monotonic() + 5
        while True:
            try:
                sock.bind(("127.0.0.1", self.port))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(POLL)
        sock.listen(64)
        sock.settimeout(POLL)
        self.port = sock.getsockname()[1]
        with self._lock:
            self._listener = sock

    def _unlisten(self) -> None:
        with self._lock:
            sock, self._listener = self._listener, None
        if sock is not None:
            sock.close()

    def _drop_all(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for pair in conns:
            for sock in pair:
                _reset(sock)

    def _accept_loop(self) -> None:
        while not self._closing.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(POLL)
                continue
            try:
                client, _addr = listener.accept()
            except (TimeoutError, OSError):
                continue
            mode = self.mode
            if mode == "drop":
                _reset(client)
                continue
            if mode == "hang":  # keep it open, answer nothing
                with self._lock:
                    self._conns.append((client, client))
                continue
            try:
                upstream = self._upstream()
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._conns.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True,
                             name="fault-proxy-pump").start()

    def _upstream(self) -> socket.socket:
        """Connect to the server for one accepted client (tests/integration/balancer.py picks
        one of several)."""
        return socket.create_connection(self.target, timeout=2)

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(client, selectors.EVENT_READ, upstream)
            selector.register(upstream, selectors.EVENT_READ, client)
            while not self._closing.is_set():
                if self.mode == "hang":  # hold everything both ways
                    time.sleep(POLL)
                    continue
                for key, _events in selector.select(POLL):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                _reset(sock)
            with self._lock:
                with contextlib.suppress(ValueError):
                    self._conns.remove((client, upstream))


def _reset(sock: socket.socket) -> None:
    """Close with a reset, as a dying server's kernel would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    with contextlib.suppress(OSError):
        sock.close()
