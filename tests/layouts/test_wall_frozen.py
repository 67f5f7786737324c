"""The wall page frame is built once per URL parameters and sent as the same JSON as before."""
from __future__ import annotations

import json

from plotly.io.json import to_json_plotly

from layouts.wall import wall as page


def test_frozen_layout_is_the_layout_as_json_built_once() -> None:
    page._frozen.cache_clear()
    first = page.frozen_layout(kiosk="1", screen="动态", ignored="x")
    assert first == json.loads(to_json_plotly(page.layout(kiosk="1", screen="动态")))
    assert page.frozen_layout(kiosk="1", screen="动态") is first  # no second build
    assert page.frozen_layout() != first  # other parameters, other frame
    assert page._frozen.cache_info().misses == 2


def test_repeated_url_parameters_do_not_break_it() -> None:
    frame = page.frozen_layout(kiosk=["1", "0"], rotate=["10"])  # ?kiosk=1&kiosk=0&rotate=10
    assert frame["type"] == "Div" and frame["props"]["id"] == "wall-root"
