"""The item bank (data/assessment/items.yml): parallel forms A and B that a CE reviewer accepts (issue 17)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import ROOT

from exocourse import answers, manifest
from exocourse.build import item_bank


@pytest.fixture(scope="module")
def bank():
    return item_bank.load()


@pytest.fixture(scope="module")
def objectives():
    return [o["id"] for o in manifest.objectives(manifest.load_manifest(ROOT))]


def test_every_objective_has_one_item_in_each_form_of_the_same_level(bank, objectives):
    for letter in "AB":
        covered = Counter(i["objective"] for i in item_bank.form(bank, letter))
        assert sorted(covered) == sorted(objectives), f"form {letter} misses {set(objectives) - set(covered)}"
        assert set(covered.values()) == {1}, f"form {letter}: more than one item for an objective"
    level = {(i["form"], i["objective"]): i["level"] for i in bank}
    assert [o for o in objectives if level[("A", o)] != level[("B", o)]] == []


def test_the_forms_share_no_stem_and_no_option_set(bank):
    a, b = item_bank.form(bank, "A"), item_bank.form(bank, "B")
    assert {i["stem"].strip() for i in a}.isdisjoint(i["stem"].strip() for i in b)
    assert {tuple(sorted(i["options"].values())) for i in a}.isdisjoint(
        tuple(sorted(i["options"].values())) for i in b)


def test_most_items_are_clinical_application_or_analysis(bank):
    levels = Counter(i["level"] for i in bank)
    assert levels["application"] > len(bank) / 2, levels
    assert levels["recall"] <= len(bank) / 4, levels


def test_keys_are_digests_not_letters_and_not_systematically_the_longest_option(bank):
    for letter in "AB":
        items = item_bank.form(bank, letter)
        keys = Counter(item_bank.keyed_letter(i) for i in items)
        assert max(keys.values()) <= 0.4 * len(items), f"form {letter} keys {keys}"
        longest = [i["id"] for i in items
                   if len(i["options"][item_bank.keyed_letter(i)]) > max(
                       len(t) for k, t in i["options"].items() if k != item_bank.keyed_letter(i))]
        assert len(longest) <= 0.4 * len(items), f"form {letter}: the key is the longest option in {longest}"
    text = (ROOT / "data" / "assessment" / "items.yml").read_text(encoding="utf-8")
    assert "answer:" not in text and "correct:" not in text


def test_every_option_has_a_rationale_and_every_item_a_real_reference(bank):
    for item in bank:
        assert all(len(item["rationales"][k].strip()) >= 20 for k in "ABCD"), item["id"]
        assert item["references"], item["id"]


def test_a_broken_item_is_named_with_its_problem():
    good = {"id": "x1", "objective": "EXO-BIO-1", "level": "application", "form": "A", "stem": "A stem",
            "options": dict(zip("ABCD", "wxyz", strict=True)), "rationales": dict.fromkeys("ABCD", "why " * 6),
            "key": answers.digest("x1", "B"), "references": ["misev2018"]}
    assert item_bank.check_items([good], {"EXO-BIO-1"}, {"misev2018"}) == [good]
    for change, message in [({"key": answers.digest("x1", "E")}, "matches 0 options"),
                            ({"objective": "EXO-XX-9"}, "not an objective"),
                            ({"references": ["nowhere"]}, "no reference nowhere"),
                            ({"rationales": {"A": "x"}}, "options and rationales"),
                            ({"level": "guess"}, "level must be")]:
        with pytest.raises(item_bank.ItemBankError, match=message):
            item_bank.check_items([{**good, **change}], {"EXO-BIO-1"}, {"misev2018"})
    with pytest.raises(item_bank.ItemBankError, match="appears twice"):
        item_bank.check_items([good, good], {"EXO-BIO-1"}, {"misev2018"})
