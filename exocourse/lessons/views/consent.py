"""The consent lesson's widgets: the draft auditor, the conversation with a patient and the teach-back card. The
audit and the conversation's text come from the model, exocourse.lessons.consent."""

from __future__ import annotations

import html

from exocourse import data
from exocourse.errors import InputError
from exocourse.lessons.consent import audit_consent_form, audit_html, conversation_turns


def consent_auditor(sample: str | None = None):
    """Widget: pick a sample draft or paste your own, then audit it."""
    import ipywidgets as w

    from exocourse.lessons import ui

    samples = {row["name"]: row["text"] for row in data.rows("consent_samples")}
    menu = ui.choice("Sample draft", ["(paste your own)", *samples], sample or "(paste your own)", menu=True,
                     layout=w.Layout(width="auto", max_width="100%"))
    box = ui.text_box("Draft consent text", samples.get(sample or "", ""), height="180px",
                      placeholder="Paste or type a draft consent text here")
    button = ui.button("Audit this draft")
    readout = w.HTML()

    def pick(_=None):
        if menu.value in samples:
            box.value = samples[menu.value]

    def run(_=None):
        try:
            readout.value = audit_html(audit_consent_form(box.value))
        except InputError as problem:
            readout.value = f"<p>{html.escape(str(problem))}</p>"

    menu.observe(pick, names="value")
    button.on_click(run)
    view = ui.view([menu, box, button, readout], {"sample": menu, "text": box}, readout=readout)
    view.run = run
    return view


def conversation():
    """Widget: a simulated patient asks about an exosome injection; choose a response and get feedback."""
    import ipywidgets as w

    from exocourse.lessons import ui

    turns = conversation_turns()
    state = {"turn": 0, "strong": 0}
    patient = w.HTML()
    choice = ui.choice("Your response", [], wrap=True)
    respond = ui.button("Respond", "Give this response")
    following = ui.button("Next question", "Go to the patient's next question", disabled=True)
    feedback = w.HTML()

    def show(_=None):
        turn = turns[state["turn"]]
        patient.value = (f"{ui.WRAP_STYLE}<p><strong>Patient (question {state['turn'] + 1} of "
                         f"{len(turns)}):</strong> "
                         f"“{html.escape(turn['patient'])}”</p>")
        choice.options = [(option["text"], n) for n, option in enumerate(turn["options"])]
        choice.value = None
        feedback.value = ""
        following.disabled = True

    def on_respond(_=None):
        if choice.value is None:
            feedback.value = "<p>Choose a response first.</p>"
            return
        option = turns[state["turn"]]["options"][choice.value]
        strong = bool(option.get("best"))
        state["strong"] += strong
        feedback.value = (f"<p><strong>{'✔ Strong response.' if strong else '✘ Weaker response.'}</strong> "
                          f"{html.escape(option['feedback'])} [{html.escape(option['reference'])}]</p>")
        following.disabled = state["turn"] + 1 >= len(turns)
        if state["turn"] + 1 >= len(turns):
            feedback.value += (f"<p>End of the conversation: {state['strong']} strong response(s) out of "
                               f"{len(turns)}.</p>")

    def on_next(_=None):
        state["turn"] += 1
        show()

    respond.on_click(on_respond)
    following.on_click(on_next)
    show()
    # The responses are sentences: wrap lets them wrap instead of being cut off.
    view = ui.view([patient, choice, w.HBox([respond, following]), feedback], {"response": choice}, readout=feedback,
                   wrap=True)
    view.respond, view.next, view.state = on_respond, on_next, state
    return view


def teach_back_card():
    """Widget: practise a teach-back question, then compare with the course's prompts."""
    import ipywidgets as w
    import yaml

    from exocourse.lessons import ui
    from exocourse.paths import data_dir

    card = yaml.safe_load((data_dir() / "consent" / "teach_back.yml").read_text(encoding="utf-8"))
    box = ui.text_box("Your teach-back question", height="80px", placeholder="How would you check understanding?")
    button = ui.button("Compare with the card", "Show the course's teach-back prompts")
    readout = w.HTML()

    def reveal(_=None):
        prompts = "".join(f"<li>{html.escape(p)}</li>" for p in card["prompts"])
        own = "" if box.value.strip() else "<p>Try writing your own question first.</p>"
        readout.value = f"{own}<p><strong>Teach-back prompts</strong> [{html.escape(card['reference'])}]</p><ul>{prompts}</ul>"

    button.on_click(reveal)
    view = ui.view([w.HTML(f"<p>{html.escape(card['scenario'])}</p>"), box, button, readout], {"text": box},
                   readout=readout)
    view.reveal = reveal
    return view
