"""Field events reported by other systems (执行110 接警/出警/到场, 拘留, 查封, 现场照片 from the
enforcement APP): the reporting sources and their hashed bearer tokens (``sources``), checking
and writing a batch of reported events idempotently by (source, external id) (``intake``), and
the database-kept rate limit of the event API (``throttle``).
The web half (the bearer-token endpoint, its OpenAPI description) is ``dashboard/api``.
May import: the ``db`` root modules, ``db.models``, ``db.cases`` (event kinds) and ``db.auth``
(the audit log, principals).
"""
