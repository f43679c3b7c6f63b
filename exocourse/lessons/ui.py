"""The lessons' widget toolkit: labelled controls, buttons sized to their text, and views with a caption and a
text version under their figures. Every topic module builds its widgets from these, so each control has a visible
label that is never cut off, works from the keyboard, and each figure has a text version.

    slider(...)     the course's accessible slider (exocourse.lessons.slider), in place of ipywidgets' sliders
    choice(...)     a labelled option list: radio buttons, or a drop-down menu with `menu=True`
    text_box(...)   a labelled text area as wide as its view
    button(...)     a button as wide as its label
    view(...)       the VBox a topic returns, carrying its `controls`, `figures` and `readout` (and with
                    `update=`, redrawn whenever a control changes)
    InputError      the one error a topic model raises on bad input (exocourse.errors)
"""

from __future__ import annotations

from exocourse.errors import InputError
from exocourse.lessons.plots import FULL_WIDTH, WRAP_CLASS, WRAP_STYLE, caption_html

__all__ = ["FULL_WIDTH", "LABEL_STYLE", "WRAP_CLASS", "WRAP_STYLE", "InputError", "button", "caption_html",
           "choice", "labelled", "slider", "text_box", "view"]

# ipywidgets cuts a description to a fixed width; "initial" shows it whole.
LABEL_STYLE = {"description_width": "initial"}


def labelled(widget_class, description: str, **kwargs):
    """An ipywidgets control with its description shown whole."""
    return widget_class(description=description, style=dict(LABEL_STYLE), **kwargs)


def slider(description: str, value, min, max, step=None, *, base: float | None = None,  # noqa: A002 — ipywidgets' names
           readout_format: str | None = None, unit: str = "", width: str | None = None):
    """The course's slider: whole numbers when value, min, max and step are all whole (and no `base`), otherwise
    real numbers; with `base` a log slider whose min, max and step are exponents (as in FloatLogSlider)."""
    import ipywidgets as w

    from exocourse.lessons.slider import IntSlider, Slider

    whole = base is None and all(isinstance(n, int) and not isinstance(n, bool) for n in (value, min, max, step or 1))
    kind = IntSlider if whole else Slider
    settings = {"description": description, "min": min, "max": max, "value": value, "unit": unit}
    if step is not None:
        settings["step"] = step
    if base is not None:
        settings["base"] = base
    if readout_format is not None:
        settings["readout_format"] = readout_format
    if width is not None:
        settings["layout"] = w.Layout(width=width)
    return kind(**settings)


def choice(description: str, options, value=None, *, menu: bool = False, wrap: bool = False,
           width: str | None = None, **kwargs):
    """A labelled option list: radio buttons (none chosen unless `value` is given), or a drop-down menu with
    `menu=True` (on `value`, or its first option). With `wrap`, the radio buttons stand in a column as wide as the
    view, so that in a view made with `view(..., wrap=True)` their long labels (and the question) wrap instead of
    being cut off."""
    import ipywidgets as w

    if value is not None or not menu:
        kwargs["value"] = value

    if wrap:
        kwargs["layout"] = w.Layout(width="100%", flex_flow="column")
    elif width is not None:
        kwargs["layout"] = w.Layout(width=width)
    return labelled(w.Dropdown if menu else w.RadioButtons, description, options=options, **kwargs)


def text_box(description: str, value: str = "", *, height: str | None = None, **kwargs):
    """A labelled text area as wide as its view, `height` tall."""
    import ipywidgets as w

    return labelled(w.Textarea, description, value=value, layout=w.Layout(width=FULL_WIDTH, height=height), **kwargs)


def button(label: str, tooltip: str | None = None, *, toggle: bool = False, **kwargs):
    """A button as wide as its label; its tooltip says what it does (the label, unless given). With `toggle`, a
    button that stays pressed (a ToggleButton, starting unpressed) instead of one that acts on a click."""
    import ipywidgets as w

    kind = w.ToggleButton if toggle else w.Button
    return kind(description=label, tooltip=tooltip or label, layout=w.Layout(width="fit-content"), **kwargs)


def view(children: list, controls: dict, figures: dict | None = None, readout=None, *, wrap: bool = False,
         update=None):
    """The VBox a topic returns, carrying what the tests, the static edition and the browser tests read: its
    `controls` by name, its `figures` (FigureWidgets, each captioned in `readout`) and its `readout`. With `wrap`,
    long labels of its radio buttons and tick boxes wrap (one of its HTML widgets must carry WRAP_STYLE). With
    `update`, a function that redraws the view: it is called whenever a control's value changes, and once now, so
    the view is drawn before anyone moves a control; the view keeps it as `view.update`."""
    import ipywidgets as w

    if update is not None:
        for control in controls.values():
            control.observe(update, names="value")
        update()
    for figure in (figures or {}).values():  # drawn in full even if the browser's figure script loads late
        figure.send_whole()
    box = w.VBox(children)
    if update is not None:
        box.update = update
    if wrap:
        box.add_class(WRAP_CLASS)
    box.controls, box.figures, box.readout = controls, figures or {}, readout
    return box
