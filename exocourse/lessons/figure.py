"""The lessons' interactive figure: plotly's FigureWidget whose browser script loads once per page.

plotly's FigureWidget is an anywidget whose browser script is plotly itself (4.9 MB). anywidget loads a widget's
script afresh for every figure and gives it 2 seconds; on a busy machine (a full hub, a slow laptop, the test
suite on 2 cores) a lesson's figures missed that deadline and stayed empty frames that ignored their controls.
`Figure` sends plotly's script as data and a small loader (figure_loader.js) as its script: the loader imports
plotly's script once per page and initializes each figure when it has arrived, outside the deadline."""

from __future__ import annotations

import copy
import pathlib

import plotly
import plotly.graph_objects as go
import traitlets
from plotly import basewidget

PLOTLY_SCRIPT = pathlib.Path(basewidget.__file__).parent / "package_data" / "widgetbundle.js"


class Figure(go.FigureWidget):
    """A plotly FigureWidget (same arguments, same Python API) with the once-per-page loader."""

    _esm = pathlib.Path(__file__).with_name("figure_loader.js")
    _plotly_bundle = traitlets.Unicode(PLOTLY_SCRIPT.read_text(encoding="utf-8")).tag(sync=True)
    _plotly_version = traitlets.Unicode(plotly.__version__).tag(sync=True)

    def send_whole(self) -> None:
        """Put the figure's whole current state (every trace and the layout) into the state the browser receives.

        plotly sends traces added or changed after a FigureWidget is made only as edits (add a trace, restyle),
        which its browser script applies once loaded, and syncs the whole figure only when the figure is displayed
        on its own (FigureWidget._repr_mimebundle_ does what this does). A figure inside a box of controls never
        got that, so edits made before its script was ready were lost. `ui.view` calls this for its figures."""
        self._widget_layout = copy.deepcopy(self._layout_obj._props)
        self._widget_data = copy.deepcopy(self._data)
