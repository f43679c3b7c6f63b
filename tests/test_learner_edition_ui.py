"""The learner edition's `make lab` shows learners no instructor tools (issue 16): JupyterLab started from a built
edition with the edition's own Jupyter settings has no Formgrader or Create Assignment in the Nbgrader menu, no
Create Assignment sidebar and no Validate button in a released assignment's toolbar, and still has the Assignments
tab. The same checks on the same edition without those settings (an instructor's JupyterLab) see all of them, so
they can see what they look for."""

from __future__ import annotations

import pytest
from browser_support import chromium_context, jupyterlab_server, require_browser, skip_marker
from conftest import NOTEBOOKS_GROUP

from exocourse.build.learner_edition import JUPYTER_CONFIG

# The edition fixture (conftest) is built once per run in the "notebooks" group; these tests share it.
pytestmark = [pytest.mark.xdist_group(NOTEBOOKS_GROUP), pytest.mark.slow, skip_marker()]
ASSIGNMENT = "assignments/ps1/ps1.ipynb"  # a released copy, as learners have it


def what_is_shown(edition, settings: str | None) -> dict:
    """Open a released assignment in JupyterLab served from the edition, with JUPYTER_CONFIG_PATH=settings (as the
    edition's `make lab` sets it) or none, and read what a person sees: the notebook toolbar, the right sidebar's
    tabs, the Nbgrader menu, and what its Assignment List shows in the Assignments tab."""
    require_browser()
    with pytest.MonkeyPatch.context() as patch:
        if settings:
            patch.setenv("JUPYTER_CONFIG_PATH", settings)
        else:
            patch.delenv("JUPYTER_CONFIG_PATH", raising=False)
        with jupyterlab_server(edition) as lab, chromium_context() as context:
            page = context.new_page()
            page.goto(f"{lab.url}/lab/tree/{ASSIGNMENT}?reset&token={lab.token}")
            page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                return !!(w && w.context && w.context.isReady && w.toolbar); }""")
            toolbar = page.locator(".jp-NotebookPanel-toolbar")
            toolbar.get_by_text("Python 3").first.wait_for()  # the kernel indicator: the toolbar is complete
            shown = {
                "toolbar": toolbar.inner_text().split("\n"),
                "sidebar": [t.get_attribute("title") for t in page.locator(".jp-SideBar.jp-mod-right [role=tab]").all()],
            }
            page.get_by_role("menuitem", name="Nbgrader").click()
            menu = page.locator("#jp-mainmenu-nbgrader")
            shown["menu"] = [text.strip() for text in menu.get_by_role("menuitem").all_inner_texts()]
            if "Assignment List" in shown["menu"]:
                menu.get_by_role("menuitem", name="Assignment List").click()
                page.locator(".lm-DockPanel-tabBar [role=tab]", has_text="Assignments").wait_for()
                # The tab asks nbgrader's Assignments server extension; wait for its answer to be shown.
                page.wait_for_function("""() => { const panel = document.getElementById('nbgrader-assignment-list');
                    return panel && panel.innerText.includes('Released assignments')
                        && !panel.innerText.includes('Loading, please wait'); }""")
                shown["assignments_tab"] = page.locator("#nbgrader-assignment-list").inner_text()
            return shown


@pytest.fixture(scope="module")
def learners_view(edition) -> dict:
    return what_is_shown(edition, str(edition / JUPYTER_CONFIG))


@pytest.fixture(scope="module")
def instructors_view(edition) -> dict:
    return what_is_shown(edition, None)


def test_learners_lab_has_no_instructor_tools(learners_view):
    assert "Validate" not in learners_view["toolbar"], learners_view["toolbar"]
    assert "Nbgrader Create Assignment" not in learners_view["sidebar"], learners_view["sidebar"]
    assert learners_view["menu"] == ["Assignment List"], learners_view["menu"]


def test_learners_keep_the_assignments_tab_and_its_server_extension(learners_view, instructors_view):
    """The tab opens and shows the same answer from nbgrader's server extension as with every extension on."""
    assert "Released assignments" in learners_view.get("assignments_tab", "")
    assert learners_view["assignments_tab"] == instructors_view["assignments_tab"]


def test_without_the_editions_settings_the_same_checks_see_the_instructor_tools(instructors_view):
    assert "Validate" in instructors_view["toolbar"], instructors_view["toolbar"]
    assert "Nbgrader Create Assignment" in instructors_view["sidebar"], instructors_view["sidebar"]
    assert {"Assignment List", "Formgrader", "Create assignment", "Course List"} <= set(instructors_view["menu"])
