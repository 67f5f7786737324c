"""gunicorn settings for the web processes: `gunicorn -c config/gunicorn.conf.py dashboard.wsgi:server`.

Command-line flags override these (`-w 4`, `-b 0.0.0.0:8050`). Measured with bench/load.py.
"""
import multiprocessing
import os

# Requests are short and CPU-bound (a cache read and stored JSON), so one process per core
# plus one; threads absorb the waits on Redis and the network.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = 8
# Longer than DASHBOARD_POLL_INTERVAL_S, so an open page's polls reuse their connection.
keepalive = 10
timeout = 60
graceful_timeout = 30
# Recycle a worker now and then (staggered) so its memory cannot creep up over months.
max_requests = 100_000
max_requests_jitter = 10_000
bind = [f"{os.environ.get('DASHBOARD_HOST', '127.0.0.1')}:{os.environ.get('DASHBOARD_PORT', '8050')}"]
accesslog = None  # one line per poll would flood the log; the proxy in front may log
# Web processes only read snapshots; the refresher runs as `python -m dashboard scheduler`.
raw_env = [] if "DASHBOARD_SCHEDULER_ENABLED" in os.environ else ["DASHBOARD_SCHEDULER_ENABLED=0"]


def on_starting(server):  # noqa: ANN001 - gunicorn's hook: the master, before forking
    """Check the configuration once here, so a refusal stops the service with its message once
    instead of crash-looping the workers (dashboard/preflight.py); then lower the priority the
    workers inherit below the scheduler's snapshot build (DASHBOARD_WEB_NICE, dashboard/priority.py)."""
    from dashboard.config import load_settings
    from dashboard.preflight import master_check
    from dashboard.priority import lower_priority

    master_check()
    server.log.info(lower_priority(int(load_settings()["WEB_NICE"])))


# Several instances may share a host (and the tests start their own): no shared control socket.
control_socket_disable = True
