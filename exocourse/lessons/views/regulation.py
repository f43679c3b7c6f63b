"""The regulation lesson's widget: the 361/351 pathway tool. The decision comes from the model,
exocourse.lessons.regulation."""

from __future__ import annotations

from exocourse.errors import InputError
from exocourse.lessons.regulation import decide_pathway, pathway_code, questions, scenarios


def pathway_explorer():
    """Widget: pick a scenario (or describe your own product), answer the questions, see the pathway and rule."""
    import html

    import ipywidgets as w

    from exocourse.lessons import ui

    items = scenarios()
    menu = ui.choice("Scenario", [("Your own product (answer the questions)", -1)] +
                     [(s["title"], n) for n, s in enumerate(items)], 0, menu=True,
                     layout=w.Layout(width="auto", max_width="100%"))
    description = w.HTML()
    radios = {q["id"]: ui.choice(q["text"], [("Yes", True), ("No", False)], wrap=True) for q in questions()}
    readout = w.HTML()

    def load_scenario(_=None):
        if menu.value >= 0:
            scenario = items[menu.value]
            description.value = (f"{ui.WRAP_STYLE}<p><strong>Scenario.</strong> "
                                 f"{html.escape(scenario['description'])}</p>")
            for radio in radios.values():
                radio.value = None
        else:
            description.value = (f"{ui.WRAP_STYLE}<p>Describe your product to yourself, then answer each "
                                 "question.</p>")
        update()

    def update(_=None):
        answers = {qid: radio.value for qid, radio in radios.items()}
        try:
            decision = decide_pathway(answers)
        except InputError as problem:
            readout.value = f"<p>{html.escape(str(problem))}</p>"
            return
        text = (f"<p><strong>Pathway:</strong> {html.escape(decision.pathway)}</p>"
                f"<p><strong>Deciding rule:</strong> {html.escape(decision.explanation)}</p>")
        if menu.value >= 0:
            scenario = items[menu.value]
            agrees = scenario["expected_pathway_code"] == pathway_code(decision.pathway)
            text += (f"<p>{'✔ This matches' if agrees else '✘ This differs from'} the course's analysis: "
                     f"{html.escape(scenario['expected_pathway'])} — {html.escape(scenario['deciding_rule'])} "
                     f"[{html.escape(scenario['reference'])}]</p>")
        readout.value = text + ui.caption_html(
            "Decision tool: the answers above lead to the pathway shown.",
            "; ".join(f"{q['text']} {'yes' if answers[q['id']] else 'no'}" for q in questions()) + ".")

    menu.observe(load_scenario, names="value")
    for radio in radios.values():
        radio.observe(update, names="value")
    load_scenario()
    # wrap: long questions wrap instead of being cut off
    return ui.view([menu, description, *radios.values(), readout], {"scenario": menu, **radios}, readout=readout,
                   wrap=True)
