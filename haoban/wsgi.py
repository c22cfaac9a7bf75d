import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haoban.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Import every view now (the URL configuration) and move what the process holds after start-up out of
    the garbage collector's reach (``gc.freeze``): the modules, classes and settings live as long as the
    process, and a full collection would otherwise walk them all, pausing every thread of the worker for tens
    of milliseconds now and then — the slowest requests of the benchmark (docs/performance.md)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()


_settle()
