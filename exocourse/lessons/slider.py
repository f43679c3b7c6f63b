"""The course's slider: a native `<input type="range">` with a visible `<label>` and readout (an anywidget).

ipywidgets' sliders draw a handle (role=slider) that has no accessible name and no ARIA API to give it one
(jupyter-widgets/ipywidgets#2650), so axe reports `aria-input-field-name` on every one. This slider is a native
range input: its `<label>` names it, `aria-valuetext` says the value as the readout shows it (with its unit), and
the browser gives it the arrow keys, Home/End, PageUp/PageDown and mouse or touch drag. It keeps the ipywidgets
API the lessons use: `value`, `min`, `max`, `step`, `description`, `readout_format`, `continuous_update`,
`layout` and `.observe(fn, names="value")`. With `base` set it is a log slider like `FloatLogSlider`: `min`, `max`
and `step` are then exponents of `base` and `value` is `base ** exponent`.

The front end is kept here as text (not a .js file), so that it ships wherever the lessons' Python files do.
"""

from __future__ import annotations

import math

import anywidget
import traitlets

_ESM = r"""
const FIXED = /^(,?)\.(\d+)f$/, WHOLE = /^(,?)d$/;

// The readout as Python's format(value, readout_format) shows it (the formats the course uses); Python sends
// the same text as `valuetext` a moment later.
function formatted(value, spec) {
  let match = FIXED.exec(spec);
  if (match) {
    const digits = Number(match[2]);
    return match[1] ? value.toLocaleString("en-US", {minimumFractionDigits: digits, maximumFractionDigits: digits})
                    : value.toFixed(digits);
  }
  match = WHOLE.exec(spec);
  if (match) return match[1] ? Math.round(value).toLocaleString("en-US") : String(Math.round(value));
  return String(value);
}

function render({ model, el }) {
  const id = "exocourse-slider-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  const input = document.createElement("input");
  const readout = document.createElement("span");
  el.classList.add("exocourse-slider");
  label.className = "exocourse-slider-label";
  label.htmlFor = id;
  input.type = "range";
  input.id = id;
  // JupyterLab's notebook shortcuts would take ArrowUp/ArrowDown from a focused range input (command mode).
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  readout.className = "exocourse-slider-readout";
  // The slider itself says its value (aria-valuetext); the visible readout is not read out a second time.
  readout.setAttribute("aria-hidden", "true");
  el.append(label, input, readout);

  const base = () => model.get("base");
  const toPosition = value => base() ? Math.log(value) / Math.log(base()) : value;
  const toValue = position => base() ? Math.pow(base(), position) : position;
  const unit = () => {
    const text = model.get("unit");
    return !text || text.startsWith("%") ? text : " " + text;
  };
  const show = text => {
    readout.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };

  // While the thumb is held, the kernel's answers to earlier positions must not pull it (or the readout) back.
  let held = false;
  const hold = event => { held = event.type === "pointerdown"; };

  function draw() {
    label.textContent = model.get("description");
    input.min = String(model.get("min"));
    input.max = String(model.get("max"));
    input.step = String(model.get("step"));
    input.disabled = model.get("disabled");
    if (held) return;
    input.value = String(toPosition(model.get("value")));
    show(model.get("valuetext"));
  }

  function send(event) {
    if (event.type === "input" && !model.get("continuous_update")) return;
    const value = toValue(Number(input.value));
    show(formatted(value, model.get("readout_format")) + unit());
    model.set("value", value);
    model.save_changes();
  }

  input.addEventListener("input", send);
  input.addEventListener("change", send);
  for (const type of ["pointerdown", "pointerup", "pointercancel", "change"]) input.addEventListener(type, hold);
  model.on("change", draw);
  draw();
  return () => model.off("change", draw);
}

export default { render };
"""

_CSS = r"""
.exocourse-slider { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; margin: 2px 0;
  min-height: var(--jp-widgets-inline-height, 28px); box-sizing: border-box; max-width: 100%; }
.exocourse-slider-label { color: var(--jp-widgets-label-color, #1A1A1A); font-size: var(--jp-widgets-font-size);
  white-space: normal; line-height: 1.4; }
.exocourse-slider input[type=range] { flex: 1 1 140px; min-width: 140px; height: 24px; margin: 0;
  accent-color: #0072B2; cursor: pointer; }
.exocourse-slider input[type=range]:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
.exocourse-slider-readout { min-width: 4em; color: var(--jp-widgets-readout-color, #1A1A1A);
  font-size: var(--jp-widgets-font-size); font-variant-numeric: tabular-nums; }
"""


class Slider(anywidget.AnyWidget):
    """A labelled, keyboard-operable slider over real numbers (a log slider when `base` is set)."""

    _esm = _ESM
    _css = _CSS

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
    base = traitlets.Float(None, allow_none=True).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("").tag(sync=True)
    readout_format = traitlets.Unicode(".2f").tag(sync=True)
    continuous_update = traitlets.Bool(True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    valuetext = traitlets.Unicode("", read_only=True).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)  # traitlets checks `value` against `min` and `max` once all are set
        self._show()

    def bounds(self) -> tuple[float, float]:
        """The smallest and the largest value (for a log slider, `base` to the power of `min` and `max`)."""
        if self.base is None:
            return self.min, self.max
        return self.base ** self.min, self.base ** self.max

    def position(self, value: float | None = None) -> float:
        """Where `value` (by default the current one) sits on the track: the value itself, or its exponent."""
        value = self.value if value is None else value
        return value if self.base is None else math.log(value, self.base)

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        low, high = self.bounds()
        return min(max(proposal["value"], low), high)

    @traitlets.observe("value", "unit", "readout_format")
    def _show(self, _=None) -> None:
        text = format(self.value, self.readout_format) if self.readout_format else str(self.value)
        self.set_trait("valuetext", text + _spaced(self.unit))


def _spaced(unit: str) -> str:
    """A unit as it follows a number: "25.00%", "300 patients"."""
    return unit if not unit or unit.startswith("%") else " " + unit


class IntSlider(Slider):
    """A slider over whole numbers."""

    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
    readout_format = traitlets.Unicode("d").tag(sync=True)

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        low, high = self.bounds()
        return int(min(max(round(proposal["value"]), low), high))
