"""Real-browser helpers shared by tests/test_browser.py and tests/test_accessibility.py.

One JupyterLab server (127.0.0.1, random port, token, private config) and Debian's Chromium driven by Playwright.
Never `playwright install`: it downloads a browser and fails without internet; `.ci/run` installs `chromium` with apt.

Browser tests run whenever CI=true. Locally they may be skipped only with the explicit flag
EXOCOURSE_SKIP_BROWSER=1; a missing Chromium or Playwright is a failure, never a silent skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 90_000
TRACES_MS = 20_000  # at most this long for a drawn figure's traces to appear (see wait_for_renders)

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


# ------------------------------------------------------------------------------------------ when to run ---
def skip_marker():
    """Skip only on the explicit local flag; CI=true always runs the browser tests."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    flagged = os.environ.get("EXOCOURSE_SKIP_BROWSER", "") == "1"
    return pytest.mark.skipif(flagged and not in_ci,
                              reason="EXOCOURSE_SKIP_BROWSER=1: browser tests skipped on request (never in CI)")


def require_browser() -> None:
    """Fail (not skip) with an actionable message when the browser stack is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's Chromium with `apt-get install -y chromium` "
                    "(never `playwright install`), or set EXOCOURSE_SKIP_BROWSER=1 to skip browser tests locally.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("playwright is not installed: `make test` installs requirements-dev.txt")


def lesson_files() -> list[Path]:
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


# --------------------------------------------------------------------------- known issues in course content ---
# Failures of these checks that a lesson's author has still to fix, listed one by one so CI stays usable meanwhile:
# each is reported as XFAIL with its reason, and turns into a failure as soon as it is fixed (remove it here then).
# Never list a check of JupyterLab or a widget library here: those are axe exclusions in test_accessibility.py.
KNOWN_CONTENT_ISSUES: dict[tuple[str, str], str] = {}


def check_content(check: str, lesson: str, problems: list) -> None:
    """Assert no problem, unless this (check, lesson) is a listed known issue: then XFAIL while it lasts."""
    known = KNOWN_CONTENT_ISSUES.get((check, lesson))
    if known and problems:
        pytest.xfail(f"known content issue: {known}")
    if known:
        pytest.fail(f"({check!r}, {lesson!r}) is fixed: remove it from KNOWN_CONTENT_ISSUES in tests/browser_support.py")
    assert problems == [], f"{lesson}: {problems}"


# ----------------------------------------------------------------------------------------- JupyterLab ---
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

@dataclass
class Lab:
    url: str
    token: str
    log: Path
    config_dir: Path

    def api(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with _NO_PROXY.open(request, timeout=10) as response:  # 127.0.0.1 only, never through a proxy
            text = response.read().decode()
        return json.loads(text) if text else None

    def lesson_url(self, lesson: str) -> str:
        # ?reset: a clean workspace each time; ?token: the first request logs in (sets the cookie).
        return f"{self.url}/lab/tree/lessons/{lesson}?reset&token={self.token}"

    def shutdown_session(self, lesson: str) -> None:
        for session in self.api("GET", "/api/sessions") or []:
            if session.get("path", "").endswith(lesson):
                self.api("DELETE", f"/api/sessions/{session['id']}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_lab_config(config_dir: Path) -> None:
    """A private Jupyter configuration: no news toast, no autosave (lessons in git must stay output-free),
    and every cell attached to the DOM (full-page screenshots, axe sees every output)."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    # page_config.json in a config dir's labconfig/ is how JupyterLab disables a plugin without a rebuild;
    # --LabApp.news_url=None does not remove the news toast (measured).
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}), encoding="utf-8")
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    user_settings = {
        "docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    }
    for name, value in user_settings.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value), encoding="utf-8")


@contextlib.contextmanager
def jupyterlab_server(root: Path = ROOT, launcher: tuple[str, ...] = ()):
    """Start one JupyterLab on 127.0.0.1 with a token and a private config; always stop it (and its kernels).
    launcher: a command that starts the server given as its arguments (the learner edition's `start`)."""
    home = Path(tempfile.mkdtemp(prefix="exocourse-lab-"))
    config_dir = home / "config"
    write_lab_config(config_dir)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(config_dir / "lab" / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(config_dir / "lab" / "workspaces"),
               EXOCOURSE_ROOT=str(root), PYDEVD_DISABLE_FILE_VALIDATION="1")
    command = [*launcher, sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
               # checkpoints outside the repository (no lessons/.ipynb_checkpoints left behind)
               f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = home / "jupyterlab.log"
    log = open(log_path, "wb")  # noqa: SIM115 — closed in finally
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, log_path, config_dir)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                lab.api("GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.25)
        yield lab
    finally:
        _stop_server(lab, process)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _stop_server(lab: Lab, process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(Exception):
            for kernel in lab.api("GET", "/api/kernels") or []:
                lab.api("DELETE", f"/api/kernels/{kernel['id']}")
        with contextlib.suppress(Exception):
            lab.api("POST", "/api/shutdown")
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


_DRIVER: dict = {"users": 0, "manager": None, "playwright": None}


@contextlib.contextmanager
def _playwright():
    """The process's one Playwright driver, started by its first user and stopped after its last. Playwright's
    sync API cannot start a second driver while one runs in the same thread: the browser tests' session-long
    Chromium and a later test's own Chromium on the same xdist worker must share it."""
    from playwright.sync_api import sync_playwright

    if _DRIVER["users"] == 0:
        _DRIVER["manager"] = sync_playwright()
        _DRIVER["playwright"] = _DRIVER["manager"].__enter__()
    _DRIVER["users"] += 1
    try:
        yield _DRIVER["playwright"]
    finally:
        _DRIVER["users"] -= 1
        if _DRIVER["users"] == 0:
            _DRIVER["manager"].__exit__(None, None, None)
            _DRIVER["manager"] = _DRIVER["playwright"] = None


@contextlib.contextmanager
def chromium_context(viewport: dict | None = None):
    """A Playwright browser context on Debian's Chromium with a fresh profile."""
    with tempfile.TemporaryDirectory(prefix="exocourse-chromium-") as profile, _playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport=viewport or VIEWPORT, locale="en-US", reduced_motion="reduce")
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


# ------------------------------------------------------------------------------------- a lesson in Lab ---
_PANEL = "window.jupyterapp.shell.currentWidget"
# A plotly figure that shows data: SVG traces, or WebGL traces (the 1,000-patient picture of lesson 02) drawn on
# a canvas. (Waiting for SVG traces alone kept every run waiting TRACES_MS on that picture.)
_HAS_TRACES_JS = """(p => p.querySelector('svg.main-svg .trace') ||
    (p.querySelector('canvas') && (p._fullData || []).some(
        t => t.type.endsWith('gl') && t.visible !== false && (t._length || 0) > 0)))"""

# Injected before the lesson page loads: as soon as the notebook is open and its kernel idle, run every cell with
# JupyterLab's own command (what Run > Run All Cells does). The page does this by itself, so the next lesson can
# load and run while the current one is being tested.
_AUTO_RUN_ALL_JS = """(() => {
  const timer = setInterval(() => {
    const app = window.jupyterapp, w = app && app.shell && app.shell.currentWidget;
    const kernel = w && w.context && w.context.isReady && w.content && w.sessionContext
      && w.sessionContext.session && w.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle' || window.__exoRunAll) return;
    clearInterval(timer);
    window.__exoRunAll = {requested: performance.now()};
    app.commands.execute('runmenu:run-all');
  }, 100);
})();"""

_SIGNATURE_JS = """(root) => {
  const hash = s => { let x = 0; for (let i = 0; i < s.length; i++) x = (Math.imul(x, 31) + s.charCodeAt(i)) | 0; return x; };
  // The course's readouts (caption, text version, feedback) are HTML widgets; a slider's own number does not count.
  const text = [...root.querySelectorAll('.widget-html-content')].map(e => e.innerText)
    .concat([...root.querySelectorAll('textarea, input[type=text]')].map(e => e.value)).join(' | ');
  const figures = [...root.querySelectorAll('.js-plotly-plot')].map(p => {
    const svgs = [...p.querySelectorAll('svg.main-svg')].map(s => s.innerHTML).join('');
    return hash(svgs);
  });
  return {text, figures};
}"""

# Measure input event -> first DOM change of the figure (and the frame after it), in page time.
_ARM_LATENCY_JS = """([root, eventType]) => {
  const plots = [...root.querySelectorAll('.js-plotly-plot')];
  const probe = {event: null, first: null, last: null, frame: null};
  window.__exoProbe = probe;
  const onEvent = e => { if (probe.event === null) probe.event = e.timeStamp; };
  root.addEventListener(eventType, onEvent, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (probe.event === null) return;
    if (probe.first === null) {
      probe.first = now;
      requestAnimationFrame(t => { probe.frame = performance.now(); });
    }
    probe.last = now;
  });
  for (const plot of plots) observer.observe(plot, {subtree: true, childList: true, attributes: true, characterData: true});
  probe.stop = () => observer.disconnect();
}"""


class LessonPage:
    """One lesson opened in JupyterLab in its own page."""

    def __init__(self, context, lab: Lab, lesson: Path):
        self.lab, self.lesson, self.name = lab, lesson, lesson.name
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.timings: dict[str, float] = {}

    # -- opening and running
    def start(self) -> None:
        """Navigate to the lesson URL and return at once; the page runs all cells by itself as soon as the
        notebook and its kernel are ready (Run > Run All Cells, the command `runmenu:run-all`)."""
        self.started = time.monotonic()
        self.page.add_init_script(_AUTO_RUN_ALL_JS)
        self.page.goto(self.lab.lesson_url(self.name), wait_until="commit")

    def wait_until_run(self) -> None:
        """Wait for the notebook to open, all cells to run, and every output to render (once)."""
        if self.timings.get("run_all_s") is not None:
            return
        self.page.wait_for_function(f"() => !!(window.__exoRunAll && {_PANEL})")
        # page clock: navigation start -> notebook open and kernel idle (the page may have loaded in the background)
        self.timings["open_s"] = self.page.evaluate("window.__exoRunAll.requested") / 1000
        autosave = self.page.evaluate("""async () => (await window.jupyterapp.serviceManager.settings
            .fetch('@jupyterlab/docmanager-extension:plugin')).settings.autosave""")
        assert autosave is False, "autosave must be off: the browser tests must never save outputs into lessons/"
        if not self.page.evaluate("window.jupyterapp.shell.leftCollapsed"):  # more room for the lesson
            self.page.evaluate("window.jupyterapp.shell.collapseLeft()")
        self.page.wait_for_function(
            f"""() => {{ const w = {_PANEL};
                const code = w.content.widgets.filter(c => c.model.type === 'code');
                const failed = code.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
                const done = code.every(c => c.model.executionCount !== null);
                return (done || failed) && w.sessionContext.session.kernel.status === 'idle'; }}""")
        self.wait_for_renders()
        ran = self.page.evaluate("performance.now() - window.__exoRunAll.requested") / 1000
        self.timings["run_all_s"] = ran  # run-all command -> every cell run and every output rendered

    def wait_quiet(self, quiet_ms: int = 400, cap_ms: int = 10_000) -> None:
        """Wait until the notebook's DOM has not changed for `quiet_ms` (at most `cap_ms`)."""
        self.page.evaluate(
            """([quiet, cap]) => new Promise(resolve => {
                 const root = document.querySelector('.jp-Notebook') || document.body;
                 let timer;
                 const done = () => { observer.disconnect(); resolve(true); };
                 const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
                 observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
                 timer = setTimeout(done, quiet);
                 setTimeout(done, cap); })""", [quiet_ms, cap_ms])

    def open_and_run(self) -> None:
        self.start()
        self.wait_until_run()

    def wait_for_renders(self) -> None:
        """Every widget view and plotly figure finished rendering (no 'Loading widget...' placeholders)."""
        self.page.wait_for_function(
            """() => { const outs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
                const loading = outs.some(o => o.textContent.startsWith('Loading widget'));
                const plots = [...document.querySelectorAll('.jp-Notebook .js-plotly-plot')];
                return !loading && plots.every(p => p.querySelector('svg.main-svg')); }""")
        # Under load (two test workers, a kernel per lesson) plotly can draw a figure's frame before its traces
        # arrive; give the traces time to appear. A figure that really has no data still shows none afterwards,
        # and the figure test reports it.
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                f"""() => [...document.querySelectorAll('.jp-Notebook .js-plotly-plot')]
                    .every({_HAS_TRACES_JS})""", timeout=TRACES_MS)
        except PlaywrightTimeout:
            pass

    # -- what the notebook model and the DOM hold
    def outputs(self) -> list[list[dict]]:
        """The outputs of every code cell, from JupyterLab's notebook model (in cell order)."""
        return self.page.evaluate(
            f"""() => {_PANEL}.content.widgets.filter(c => c.model.type === 'code')
                   .map(c => c.model.outputs.toJSON())""")

    def code_sources(self) -> list[str]:
        return self.page.evaluate(
            f"""() => {_PANEL}.content.widgets.filter(c => c.model.type === 'code')
                   .map(c => c.model.sharedModel.getSource())""")

    def error_outputs(self) -> list[str]:
        """Tracebacks and stderr text shown anywhere in the notebook (model and DOM)."""
        problems = []
        for cell_outputs in self.outputs():
            for out in cell_outputs:
                if out.get("output_type") == "error":
                    problems.append(f"{out.get('ename')}: {out.get('evalue')}")
                elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                    problems.append("stderr: " + "".join(out.get("text", ""))[:500])
        dom = self.page.evaluate(
            """() => [...document.querySelectorAll(
                 '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
               + '.jp-Notebook .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"],'
               + '.jp-Notebook .jupyter-widgets-error-widget')].map(e => e.textContent.slice(0, 500))""")
        widget_errors = self.page.evaluate(
            """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
                 .map(o => o.textContent).filter(t => t.startsWith('Error displaying widget'))""")
        return problems + [f"DOM: {t}" for t in dom + widget_errors]

    def widget_views(self) -> int:
        """Rendered top-level widget views (an output whose child is an ipywidgets view)."""
        return self.page.evaluate(
            """() => document.querySelectorAll('.jp-Notebook .jp-OutputArea-output > .jupyter-widgets').length""")

    def figure_models(self) -> int:
        """How many plotly FigureWidget models the kernel created (from the widget manager's state)."""
        return self.page.evaluate(
            f"""async () => {{
                const renderer = {_PANEL}.content.rendermime.createRenderer('{WIDGET_VIEW_MIME}');
                const manager = await renderer._manager.promise;
                const state = await manager.get_state();
                renderer.dispose();
                return Object.values(state.state).filter(m => m.state && '_widget_data' in m.state && '_widget_layout' in m.state)
                    .length; }}""")

    def figures(self) -> dict:
        return self.page.evaluate(
            f"""() => {{ const plots = [...document.querySelectorAll('.jp-Notebook .js-plotly-plot')];
                const blank = plots.filter(p => !({_HAS_TRACES_JS})(p));
                return {{total: plots.length,
                        drawn: plots.filter(p => p.querySelector('svg.main-svg')).length,
                        with_traces: plots.length - blank.length,
                        // what a figure without traces holds (the failure message shows it)
                        blank: blank.map(p => ({{traces: (p.data || []).map(t => t.type), drawn: (p._fullData || []).length,
                                                size: [p.clientWidth, p.clientHeight], shown: p.checkVisibility()}}))}}; }}""")

    def clipped_text(self) -> list[str]:
        """Text in widget outputs that is cut off (ellipsis) or pushes its box into horizontal scrolling:
        ipywidgets labels are single-line, so a long description is silently truncated (WCAG 1.3.1, 1.4.10)."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll(
                '.jp-Notebook .jp-OutputArea-output .jupyter-widgets, .jp-Notebook .jp-OutputArea-output .jupyter-widgets *')]
                .filter(e => !e.closest('.js-plotly-plot') && e.textContent.trim())
                .filter(e => { const s = getComputedStyle(e);
                    return s.display !== 'inline' && s.display !== 'none' && e.clientWidth > 0
                        && ['hidden', 'auto', 'scroll', 'clip'].includes(s.overflowX)
                        && e.scrollWidth > e.clientWidth + 2; })
                .filter(e => ![...e.querySelectorAll('*')].some(c => c.scrollWidth > c.clientWidth + 2
                        && getComputedStyle(c).overflowX !== 'visible' && c.clientWidth > 0
                        && !c.closest('.js-plotly-plot')))
                .map(e => `${e.className || e.tagName}: ${e.textContent.trim().slice(0, 90)}`)""")

    # -- interactive pieces
    def pieces(self):
        """Top-level widget views, each a locator."""
        return self.page.locator(".jp-Notebook .jp-OutputArea-output > .jupyter-widgets").all()

    @staticmethod
    def kind(piece) -> str:
        if piece.locator(".widget-radio").count() and piece.locator("button", has_text="Check my answer").count():
            return "self-check"
        return "figure view" if piece.locator(".js-plotly-plot").count() else "text view"

    def signature(self, piece) -> dict:
        return piece.evaluate(_SIGNATURE_JS)

    def wait_changed(self, piece, before: dict, what: str, timeout_ms: int = 15_000) -> dict:
        """Wait until the piece's figure or text (readout, feedback, text boxes) differs from `before`."""
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            now = self.signature(piece)
            if now != before:
                return now
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{self.name}: {what}: neither the figure nor the text changed")

    def settle(self, piece, quiet_ms: int = 150, timeout_ms: int = 10_000) -> dict:
        """Wait until the piece stops changing (kernel round trips finished)."""
        last, stable_since = self.signature(piece), time.monotonic()
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            now = self.signature(piece)
            if now != last:
                last, stable_since = now, time.monotonic()
            elif (time.monotonic() - stable_since) * 1000 >= quiet_ms:
                break
        return last

    def scroll_into_view(self, locator) -> None:
        locator.scroll_into_view_if_needed()

    # -- latency
    def latency(self, piece, act, event_type: str) -> dict:
        """Milliseconds from the input event to the figure's first DOM change, its last change and the next frame."""
        self.settle(piece)
        handle = piece.element_handle()
        self.page.evaluate(_ARM_LATENCY_JS, [handle, event_type])
        before = self.signature(piece)
        act()
        self.wait_changed(piece, before, "latency probe")
        self.settle(piece)
        probe = self.page.evaluate("""() => { const p = window.__exoProbe; p.stop();
            return {event: p.event, first: p.first, last: p.last, frame: p.frame}; }""")
        if probe["event"] is None or probe["first"] is None:
            raise AssertionError(f"{self.name}: latency probe saw no {event_type} event or no figure change")
        return {"dom_ms": probe["first"] - probe["event"], "settled_ms": probe["last"] - probe["event"],
                "frame_ms": (probe["frame"] or probe["first"]) - probe["event"]}

    # -- screenshots
    def full_screenshot(self, path: Path) -> None:
        """The whole lesson in one image: the notebook scrolls inside Lab, so grow the viewport to fit it."""
        height = self.page.evaluate(
            """() => { const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
                const nb = s ? s.scrollHeight : document.body.scrollHeight;
                return nb + (window.innerHeight - (s ? s.clientHeight : 0)); }""")
        old = self.page.viewport_size
        self.page.set_viewport_size({"width": old["width"], "height": min(int(height) + 20, 16_000)})
        self.page.evaluate("""() => { const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
            if (s) s.scrollTop = 0; }""")
        self.page.wait_for_timeout(800)  # plotly relayouts on resize
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(old)
        self.page.wait_for_timeout(300)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.page.close(run_before_unload=False)
        with contextlib.suppress(Exception):
            self.lab.shutdown_session(self.name)


class LessonPool:
    """Opens lessons one step ahead: while one lesson is tested, the next one loads and runs in its own page."""

    def __init__(self, context, lab: Lab, lessons: list[Path], ahead: int = 1):
        self.context, self.lab, self.lessons, self.ahead = context, lab, list(lessons), ahead
        self.pages: dict[Path, LessonPage] = {}

    def _start(self, lesson: Path) -> None:
        if lesson not in self.pages:
            self.pages[lesson] = LessonPage(self.context, self.lab, lesson)
            self.pages[lesson].start()

    def get(self, lesson: Path) -> LessonPage:
        self._start(lesson)
        if lesson in self.lessons:
            at = self.lessons.index(lesson)
            for upcoming in self.lessons[at + 1:at + 1 + self.ahead]:
                self._start(upcoming)
        page = self.pages[lesson]
        page.page.bring_to_front()  # the page under test gets the focus and full-speed animation frames
        page.wait_until_run()
        page.wait_quiet()  # whatever waited for a frame while the page was in the background is drawn now
        return page

    def release(self, lesson: Path) -> None:
        page = self.pages.pop(lesson, None)
        if page:
            page.close()

    def close(self) -> None:
        for lesson in list(self.pages):
            self.release(lesson)


@pytest.fixture(scope="session")
def lesson_pool():
    """ONE JupyterLab server (127.0.0.1, random port, token, private config) and ONE Chromium for the browser and
    accessibility tests together, stopped at the end of the session, on success or failure. Each lesson is opened
    and run once; both test modules use the same executed page. (tests/conftest.py imports this fixture.)"""
    require_browser()
    with jupyterlab_server() as lab, chromium_context() as context:
        pool = LessonPool(context, lab, lesson_files(), ahead=2)
        try:
            yield pool
        finally:
            pool.close()


def median_ms(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)
