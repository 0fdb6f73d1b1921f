"""Plotly figures as plain dicts, with the few `graph_objects` habits our builders use.

`plotly.graph_objects` validates every property as it is set; for a dashboard figure that
was 14-50 ms of CPU per request, more than reading the data (issue 19). The browser's
plotly.js validates anyway, so the figures are built here as dicts: `Bar(...)`,
`Figure.add_trace`, `update_layout`, `update_xaxes(row=, col=)`, `add_annotation` and the
magic underscores (`marker_color=` is `marker={"color": ...}`), read back with attributes as
the tests and `localise_for_chinese` do (`figure.layout.xaxis.tickformat`; unset is None).

What plotly.py itself knows is taken from it once per process, not per request: the
layout of a subplot grid (`make_subplots`, cached by its arguments) and the named template
(`plotly_white`), which plotly.js cannot resolve by name.
"""

from copy import deepcopy
from functools import lru_cache
from typing import Any

import plotly.io as pio
from plotly.subplots import make_subplots as plotly_subplots


class Node(dict):
    """A dict read like a plotly object: `node.title.text`; an unset property is None."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = _node(value)

    @property
    def values(self) -> Any:  # type: ignore[override]
        """A pie's `values`, as in plotly (the dict method is `dict.values(node)`)."""
        return self.get("values")

    def update(self, values: dict | None = None, /, **magic: Any) -> "Node":  # type: ignore[override]
        """Merge like plotly's `update`: nested dicts merge, anything else replaces;
        `a_b=` sets `a.b`."""
        for key, value in (values or {}).items():
            self._merge([key], value)
        for key, value in magic.items():
            self._merge(key.split("_"), value)
        return self

    def _merge(self, path: list[str], value: Any) -> None:
        node = self
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, Node):
                child = node[part] = Node()
            node = child
        key = path[-1]
        value = _node(value, key=key)
        if isinstance(value, Node) and isinstance(node.get(key), Node):
            node[key].update(value)
        else:
            node[key] = value


class Layout(Node):
    """A figure's layout: its axes exist as soon as they are asked for, as in plotly."""

    def __missing__(self, key: str) -> Node:
        if key.startswith(("xaxis", "yaxis")):
            axis = self[key] = Node()
            return axis
        raise KeyError(key)


def _node(value: Any, *, key: str = "") -> Any:
    if key == "title" and isinstance(value, str):
        return Node(text=value)  # plotly.js reads a title's text, not a bare string
    if isinstance(value, Node):
        return value
    if isinstance(value, dict):
        node = Node()
        node.update(value)
        return node
    if isinstance(value, list | tuple) and any(isinstance(v, dict) for v in value):
        return [_node(v) for v in value]
    return value


def _trace(kind: str):
    def build(**properties: Any) -> Node:
        trace = Node(type=kind)
        trace.update(**properties)
        return trace

    build.__name__ = kind.capitalize()
    return build


Bar = _trace("bar")
Scatter = _trace("scatter")
Heatmap = _trace("heatmap")
Histogram = _trace("histogram")
Pie = _trace("pie")
Sankey = _trace("sankey")
Indicator = _trace("indicator")


@lru_cache(maxsize=8)
def _template(name: str) -> dict:
    return pio.templates[name].to_plotly_json()


class Figure:
    """`go.Figure`'s data and layout, as dicts."""

    def __init__(self, data: Node | list[Node] | None = None, layout: dict | None = None):
        if isinstance(data, dict):
            data = [data]
        self._data: list[Node] = [_node(trace) for trace in data or []]
        self.layout = Layout()
        self.layout.update(layout or {})
        self._grid: dict[tuple[int, int], dict] = {}

    @property
    def data(self) -> tuple[Node, ...]:
        return tuple(self._data)

    def add_trace(self, trace: Node, row: int | None = None, col: int | None = None) -> "Figure":
        if row is not None:
            trace.update(deepcopy(self._grid[(row, col)]["trace"]))
        self._data.append(trace)
        return self

    def update_layout(self, values: dict | None = None, /, **magic: Any) -> "Figure":
        self.layout.update(values, **magic)
        return self

    def _axes(self, letter: str, row: int | None, col: int | None) -> list[str]:
        if row is not None:
            return [self._grid[(row, col)]["axes"][letter]]
        found = [key for key in self.layout if key.startswith(f"{letter}axis")]
        return found or [f"{letter}axis"]

    def update_xaxes(self, values: dict | None = None, row=None, col=None, **magic) -> "Figure":
        for key in self._axes("x", row, col):
            self.layout[key].update(values, **magic)
        return self

    def update_yaxes(self, values: dict | None = None, row=None, col=None, **magic) -> "Figure":
        for key in self._axes("y", row, col):
            self.layout[key].update(values, **magic)
        return self

    def add_annotation(self, annotation: dict) -> "Figure":
        self.layout.setdefault("annotations", []).append(_node(annotation))
        return self

    def to_plotly_json(self) -> dict:
        layout = dict(self.layout)
        if isinstance(layout.get("template"), str):
            layout["template"] = _template(layout["template"])
        return {"data": [dict(trace) for trace in self._data], "layout": layout}


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw_kwargs(frozen: tuple) -> dict:
    def thaw(value: Any) -> Any:
        if (
            isinstance(value, tuple)
            and value
            and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value)
        ):
            return {k: thaw(v) for k, v in value}
        if isinstance(value, tuple):
            return [thaw(v) for v in value]
        return value

    return {key: thaw(value) for key, value in frozen}


@lru_cache(maxsize=64)
def _grid(frozen: tuple) -> tuple[dict, dict]:
    """plotly's own subplot layout for these arguments, and where each cell's traces go."""
    figure = plotly_subplots(**_thaw_kwargs(frozen))
    cells = {}
    for r, row in enumerate(figure._grid_ref):
        for c, refs in enumerate(row):
            if not refs:
                continue
            ref = refs[0]
            axes = {}
            for key in ref.layout_keys:
                axes[key[0]] = key  # "xaxis2" → x
            cells[(r + 1, c + 1)] = {"trace": dict(ref.trace_kwargs), "axes": axes}
    return figure.to_plotly_json()["layout"], cells


def make_subplots(**arguments: Any) -> Figure:
    """`plotly.subplots.make_subplots`, computed once per set of arguments (titles
    included: they are words in the reader's language, so a handful per process)."""
    layout, cells = _grid(tuple(sorted((k, _freeze(v)) for k, v in arguments.items())))
    figure = Figure(layout=deepcopy(layout))
    figure._grid = deepcopy(cells)
    return figure
