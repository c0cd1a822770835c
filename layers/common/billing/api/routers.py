"""Route modules imported on the first request that needs them, so that a cold start pays for its own request's
routes only: each module is named by the first segment of the paths it serves (after /v1/). The OpenAPI document
and the Swagger UI load them all, so they always document the whole API."""

import importlib
from collections.abc import Mapping
from types import ModuleType

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

DOCUMENT_PATHS = frozenset({"/v1/openapi.json", "/v1/docs"})


class LazyRouters:
    def __init__(self, app: APIGatewayRestResolver, package: ModuleType, by_segment: Mapping[str, tuple[str, ...]]):
        """`package` is imported already: its modules are found through it, wherever it was imported from."""
        self.app = app
        self.package = package
        self.by_segment = by_segment
        self.included: set[str] = set()

    def modules_for(self, path: str) -> tuple[str, ...]:
        """The route modules a request for `path` may need; none for a path no module serves (a 404)."""
        if path in DOCUMENT_PATHS:
            return self.all()
        parts = path.split("/")
        if len(parts) < 3 or parts[1] != "v1":
            return ()
        return self.by_segment.get(parts[2], ())

    def all(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for names in self.by_segment.values() for name in names))

    def include_for(self, path: str) -> None:
        for name in self.modules_for(path):
            if name not in self.included:
                self.app.include_router(importlib.import_module(f"{self.package.__name__}.{name}").router)
                self.included.add(name)
