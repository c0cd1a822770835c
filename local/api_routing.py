"""API Gateway (REST) route matching: the most specific resource wins, then its method (or ANY).

Per path segment a literal beats `{param}`, which beats greedy `{proxy+}`. As in API Gateway, a method missing on
the most specific resource is not looked up on less specific ones (the caller answers 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from local.template import Route

LITERAL, PARAM, GREEDY = 2, 1, 0


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _kind(segment: str) -> int:
    if segment.startswith("{") and segment.endswith("+}"):
        return GREEDY
    if segment.startswith("{") and segment.endswith("}"):
        return PARAM
    return LITERAL


def _bind(template: list[str], segments: list[str]) -> dict[str, str] | None:
    """Path parameters if the request segments fit the resource template, else None."""
    params: dict[str, str] = {}
    for i, part in enumerate(template):
        kind = _kind(part)
        if kind == GREEDY:
            if i >= len(segments):
                return None  # a greedy parameter needs at least one segment
            params[part[1:-2]] = "/".join(unquote(s) for s in segments[i:])
            return params
        if i >= len(segments):
            return None
        if kind == PARAM:
            params[part[1:-1]] = unquote(segments[i])
        elif part != unquote(segments[i]):
            return None
    return params if len(template) == len(segments) else None


# What API Gateway's ANY method stands for; another method (TRACE, QUERY, CONNECT...) matches no deployed method.
ANY_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})


class Router:
    def __init__(self, routes: list[Route]):
        self._resources: dict[str, dict[str, Route]] = {}
        for route in routes:
            self._resources.setdefault(route.path, {})[route.method] = route

    def match(self, method: str, path: str) -> Match | None:
        segments = _segments(path)
        best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
        for resource, _methods in self._resources.items():
            template = _segments(resource)
            params = _bind(template, segments)
            if params is None:
                continue
            rank = tuple(_kind(part) for part in template)
            if best is None or rank > best[0]:
                best = (rank, resource, params)
        if best is None:
            return None
        methods = self._resources[best[1]]
        method = method.upper()
        route = methods.get(method) or (methods.get("ANY") if method in ANY_METHODS else None)
        return Match(route, best[2]) if route else None
