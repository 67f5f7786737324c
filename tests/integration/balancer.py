"""One address in front of several web instances: a round-robin TCP proxy for the tests.

The load balancer of a multi-host deployment (nginx `upstream`, HAProxy, an F5) reduced to what
the multi-host test needs: each new connection goes to the next backend in turn, and a backend
that refuses the connection (its instance is dead) is skipped for the next one, so the address
keeps serving while one instance is down. Built on the fault proxy's accept and pump loops
(tests/faults/proxy.py); only the choice of the server differs.
"""
from __future__ import annotations

import collections
import itertools
import socket
import threading

from tests.faults.proxy import FaultProxy


class RoundRobinProxy(FaultProxy):
    def __init__(self, backends: list[tuple[str, int]], port: int = 0) -> None:
        if not backends:
            raise ValueError("at least one backend")
        self.backends = list(backends)
        self._turn = itertools.count()
        self._counts = threading.Lock()
        self.chosen: collections.Counter[int] = collections.Counter()  # connections per backend index
        self.skipped: collections.Counter[int] = collections.Counter()  # refusals per backend index
        super().__init__(*backends[0], port=port)

    def _upstream(self) -> socket.socket:
        first = next(self._turn)
        failure: OSError | None = None
        for step in range(len(self.backends)):
            index = (first + step) % len(self.backends)
            try:
                upstream = socket.create_connection(self.backends[index], timeout=2)
            except OSError as exc:  # dead instance: try the next one
                failure = exc
                with self._counts:
                    self.skipped[index] += 1
                continue
            with self._counts:
                self.chosen[index] += 1
            return upstream
        raise failure or OSError("no backend")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
