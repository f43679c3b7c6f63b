"""The completion rules, on what the gradebook, the roster and the integrity checks say (no files read or written).

A learner has completed the course when
* the post-test score is at or above the pass mark announced in course.yml (`pass_mark_percent`),
* every module assignment (and the post-test) was submitted and is fully graded: no written answer waiting for a
  manual grade, no autograde failure, and no open integrity flag.
The completion date is the date of the last required submission, from the submission times nbgrader recorded; a
learner whose submission has no recorded time gets no certificate (the row says why) rather than a blank date.
exocourse.instructor.completion writes the report and certificates from these rows.
"""

from __future__ import annotations

from exocourse.instructor.gradebook import Submission


def module_assignments(manifest: dict) -> list[str]:
    """The module assignments every completer must submit (ps1…), from the manifest."""
    from exocourse import manifest as manifest_module

    return list(manifest_module.module_assignments(manifest))


def ce_info(manifest: dict) -> dict:
    from exocourse import manifest as manifest_module

    return dict(manifest_module.ce_info(manifest))


def posttest_id(manifest: dict) -> str | None:
    return ce_info(manifest).get("posttest")


def required_assignments(manifest: dict) -> list[str]:
    post = posttest_id(manifest)
    return module_assignments(manifest) + ([post] if post else [])


def percent(sub: Submission | None) -> float | None:
    if sub is None or not sub.max_score:
        return None
    return round(100 * sub.score / sub.max_score, 1)


def completion_rows(submissions: dict[tuple[str, str], Submission], manifest: dict, roster: dict[str, dict],
                    flags: dict[tuple[str, str], list[str]],
                    attested_hours: dict[str, float] | None = None) -> list[dict]:
    """One row per roster learner: scores, completed yes/no, why not, completion date and credit hours.

    `flags` are the open (uncleared) integrity flags; `attested_hours` the hours each learner attested in the
    evaluation (credit is commensurate with participation: the attested hours, at most the designated hours; a
    learner who attested nothing gets no hours recorded). With `attested_hours=None` (a course without an
    evaluation) completers get the designated hours."""
    modules = module_assignments(manifest)
    post = posttest_id(manifest)
    pre = ce_info(manifest).get("pretest")
    required = modules + ([post] if post else [])
    pass_mark = float(manifest["pass_mark_percent"])
    max_hours = ce_info(manifest).get("credit_hours")
    rows = []
    for learner_id in sorted(roster):
        person = roster[learner_id]
        reasons = []
        stamps = []
        row = {"learner_id": learner_id, "legal_name": person.get("legal_name", ""),
               "licence_number": person.get("licence_number", "")}
        for assignment in ([pre] if pre else []) + required:
            sub = submissions.get((learner_id, assignment))
            row[f"{assignment}_score"] = "" if sub is None else f"{sub.score:g}"
            row[f"{assignment}_max"] = "" if sub is None else f"{sub.max_score:g}"
            if (learner_id, assignment) in flags:  # any flag holds the certificate, the pre-test's too
                reasons.append(f"{assignment} has an open integrity flag")
            if assignment not in required:
                continue
            if sub is None:
                reasons.append(f"{assignment} not submitted")
                continue
            if sub.timestamp:
                stamps.append(sub.timestamp)
            else:
                reasons.append(f"{assignment} has no recorded submission time, so the certificate would have no "
                               "completion date (hand work in by archive or exchange, which record it)")
            if sub.regrade_cells:
                reasons.append(f"{assignment} waits for a manual grade: the answer to "
                               f"{', '.join(sub.regrade_cells)} changed after it was graded")
            elif sub.needs_manual_grade:
                reasons.append(f"{assignment} waits for a manual grade")
        post_sub = submissions.get((learner_id, post)) if post else None
        post_percent = percent(post_sub)
        row["posttest_percent"] = "" if post_percent is None else f"{post_percent:g}"
        row["pass_mark_percent"] = f"{pass_mark:g}"
        # decided on the exact score, not the rounded percent shown: 74.96% must not pass a 75% mark
        passed = post_sub is not None and post_sub.max_score > 0 and \
            round(100 * post_sub.score / post_sub.max_score, 9) >= pass_mark
        if post is None:
            reasons.append("the course has no post-test configured")
        elif post_percent is not None and not passed:
            # two decimals where the one-decimal figure would read as the pass mark itself
            exact = 100 * post_sub.score / post_sub.max_score
            shown = f"{post_percent:g}" if post_percent < pass_mark else f"{exact:.2f}"
            reasons.append(f"post-test {shown}% is below the pass mark of {pass_mark:g}%")
        row["posttest_result"] = "pass" if passed else ("fail" if post_percent is not None else "not taken")
        complete = not reasons
        row["completed"] = "yes" if complete else "no"
        row["completion_date"] = max(stamps).date().isoformat() if complete else ""
        attested = (attested_hours or {}).get(learner_id)
        hours, why = "", ""
        if complete and max_hours is not None:
            if attested_hours is None:  # the course has no evaluation: the designated hours
                hours, why = f"{float(max_hours):g}", "the course has no evaluation: the designated hours"
            elif attested is None:  # the evaluation says why when the learner's answer was unclear or not attested
                why = getattr(attested_hours, "not_recorded", {}).get(learner_id,
                                                                      "the learner attested no hours in the evaluation")
            elif float(attested) > float(max_hours):  # credit is at most the designated hours
                hours = f"{float(max_hours):g}"
                why = f"attested {float(attested):g} h, capped at the course's designated {float(max_hours):g} h"
            else:
                hours, why = f"{float(attested):g}", "the hours the learner attested"
        row["credit_hours_max"] = "" if max_hours is None else f"{float(max_hours):g}"
        row["hours_attested"] = "" if attested is None else f"{float(attested):g}"
        row["credit_hours"] = hours
        row["credit_hours_reason"] = why
        row["not_complete_because"] = "; ".join(reasons)
        rows.append(row)
    return rows
