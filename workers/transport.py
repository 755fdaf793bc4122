"""kombu's SQLAlchemy transport, polling faster.

The embedded broker is a SQLite table that workers poll. kombu's default of one poll a second
caps a worker at about one task a second (with prefetch 1 and late acks it waits a whole poll
after each task). kombu hands every transport option of this transport to ``create_engine``,
so the interval cannot be passed as an option; it is a class attribute here instead.
"""

from __future__ import annotations

from kombu.transport import sqlalchemy as kombu_sqla

POLLING_INTERVAL = 0.05


class Transport(kombu_sqla.Transport):
    polling_interval = POLLING_INTERVAL


def broker_settings(url: str) -> dict[str, str | None]:
    """Celery's ``broker_url``/``broker_transport`` for a CELERY_BROKER_URL: ``sqla+...`` URLs
    go to this transport (kombu only takes an import path through ``broker_transport``)."""
    if url.startswith("sqla+"):
        return {"broker_url": url[len("sqla+") :], "broker_transport": f"{__name__}:Transport"}
    return {"broker_url": url, "broker_transport": None}
