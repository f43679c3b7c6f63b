"""The claims lesson's widgets: the look-alike highlighter, the claim cards and the readability comparison. The
look-alikes, verdicts and reading grades come from the models, exocourse.lessons.claims and .consent."""

from __future__ import annotations

import html
import re

from exocourse import data
from exocourse.errors import InputError
from exocourse.lessons.claims import VERDICTS, claims, find_lookalikes, highlighted_html, normalise, seed_page

EXCERPT_WORDS = 30  # the highlighter shows this many words of the page at first; the rest is one click away


def _excerpt_end(text: str) -> int:
    """Where the first EXCERPT_WORDS words of `text` end (the whole text if it is shorter)."""
    words = list(re.finditer(r"\S+", text))
    return words[EXCERPT_WORDS - 1].end() if len(words) > EXCERPT_WORDS else len(text)


def lookalike_highlighter(text: str | None = None):
    """Widget: the page with its look-alike letters marked, a count by script, and the normalised text."""
    import ipywidgets as w

    from exocourse.lessons import ui

    text = seed_page() if text is None else text
    show_normalised = ui.button("Show the normalised text",
                                "Replace each look-alike letter with the Latin letter it imitates", toggle=True)
    readout = w.HTML()

    def update(_=None):
        items = find_lookalikes(text)
        by_letter: dict[str, int] = {}
        for item in items:
            by_letter[f"{item.character} ({item.script}) → {item.looks_like}"] = by_letter.get(
                f"{item.character} ({item.script}) → {item.looks_like}", 0) + 1
        table = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in sorted(by_letter.items()))
        cut = _excerpt_end(text)
        if show_normalised.value:
            shown, how = normalise(text), "Normalised: each look-alike replaced by the Latin letter it imitates"
            opening, rest = html.escape(shown[:cut]), html.escape(shown[cut:])
        else:
            how = "Each look-alike letter is shown bracketed, bold and underlined"
            opening, rest = highlighted_html(text[:cut]), highlighted_html(text[cut:])
        more = (f"<details><summary>Show the rest of the page</summary><blockquote>{rest}</blockquote></details>"
                if rest.strip() else "")
        readout.value = (f"<p><strong>{len(items)} look-alike letters</strong> in {len(text):,} characters.</p>"
                         f"<table><thead><tr><th scope='col'>Letter (script) → imitates</th>"
                         f"<th scope='col'>Count</th></tr></thead><tbody>{table}</tbody></table>"
                         f"<p>{how}{'. The opening of the page' if more else ''}:</p>"
                         f"<blockquote>{opening}{'…' if more else ''}</blockquote>{more}")

    return ui.view([show_normalised, readout], {"normalised": show_normalised}, readout=readout, update=update)


def claim_cards():
    """Widget: a deck of the page's claims; judge each, then see the course's verdict and its sources."""
    import ipywidgets as w

    from exocourse.lessons import ui

    deck = claims()
    state = {"card": 0}
    claim = w.HTML()
    verdict = ui.choice("Your verdict", [v.capitalize() for v in VERDICTS])
    check = ui.button("Check my verdict", "Compare with the course's verdict")
    previous = ui.button("Previous claim")
    following = ui.button("Next claim")
    feedback = w.HTML()

    def show(_=None):
        card = deck[state["card"]]
        claim.value = (f"<p><strong>Claim {state['card'] + 1} of {len(deck)}:</strong> "
                       f"“{html.escape(card['claim'])}”</p>")
        verdict.value = None
        feedback.value = ""

    def on_check(_=None):
        if verdict.value is None:
            feedback.value = "<p>Choose a verdict first.</p>"
            return
        card = deck[state["card"]]
        agrees = verdict.value.lower() == card["verdict"]
        cited = set(data.cited_ids(card["explanation"]))  # a register sentence already names its source
        refs = " ".join(f"[{r}]" for r in card["reference"].split() if r not in cited)
        sources = f" Sources: {html.escape(refs)}" if refs else ""
        feedback.value = (f"<p><strong>{'✔ Same as' if agrees else '✘ Different from'} the course's verdict: "
                          f"{html.escape(card['verdict'])}.</strong> {html.escape(card['explanation'])}{sources}</p>")

    def move(step):
        state["card"] = (state["card"] + step) % len(deck)
        show()

    check.on_click(on_check)
    previous.on_click(lambda _: move(-1))
    following.on_click(lambda _: move(1))
    show()
    view = ui.view([claim, verdict, w.HBox([check, previous, following]), feedback], {"verdict": verdict},
                   readout=feedback)
    view.check, view.move, view.state = on_check, move, state
    return view


def readability_comparison(rewrite: str | None = None):
    """Widget: reading grade of the original page (normalised) next to a rewrite you type."""
    import ipywidgets as w

    from exocourse.lessons import ui
    from exocourse.lessons.consent import TARGET_GRADE, reading_grade

    original = normalise(seed_page())
    box = ui.text_box("Your rewrite", rewrite or "", height="140px",
                      placeholder="Write a paragraph at grade 8 or lower here")
    button = ui.button("Compare reading grades")
    readout = w.HTML()

    def run(_=None):
        rows = [("Original page (normalised)", f"{reading_grade(original):.1f}")]
        try:
            rows.append(("Your rewrite", f"{reading_grade(box.value):.1f}"))
            note = ""
        except InputError as problem:
            note = f"<p>{html.escape(str(problem))}</p>"
        body = "".join(f"<tr><td>{html.escape(a)}</td><td>{b}</td></tr>" for a, b in rows)
        readout.value = (f"{note}<table><thead><tr><th scope='col'>Text</th><th scope='col'>Flesch–Kincaid grade"
                         f"</th></tr></thead><tbody>{body}</tbody></table>"
                         f"<p>Patient materials: grade {TARGET_GRADE:.0f} or lower (the ceiling); aim for about grade 6.</p>")

    button.on_click(run)
    view = ui.view([box, button, readout], {"text": box}, readout=readout)
    view.run = run
    return view
