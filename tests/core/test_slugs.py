"""Slugs made from typed names end at a whole word and fit their field."""

from slotlink.accounts.services import organization_create
from slotlink.core.slugs import numbered, slug_from


def test_a_slug_longer_than_its_limit_ends_at_its_last_whole_word():
    """Cut at 20, "planning-review-with-the-team" keeps "planning-review-with"; a slug
    whose limit falls right on a hyphen keeps every word before it."""
    assert slug_from("Planning review with the team", limit=20) == "planning-review-with"
    assert slug_from("Planning review with the team", limit=15) == "planning-review"
    assert slug_from("Planning review", limit=60) == "planning-review"


def test_one_word_longer_than_the_limit_is_cut_as_it_has_no_boundary():
    assert slug_from("Supercalifragilisticexpialidocious", limit=10) == "supercalif"


def test_a_name_without_latin_letters_gives_no_slug():
    """Arabic and Hebrew have no transliteration here: the caller names the link."""
    assert slug_from("مؤسسة النور", limit=60) == ""
    assert slug_from("פגישת היכרות", limit=60) == ""


def test_a_numbered_slug_cuts_words_to_fit_its_number():
    assert numbered("intro", 2, limit=60) == "intro-2"
    assert numbered("planning-review-with", 12, limit=20) == "planning-review-12"


def test_a_long_organization_name_gets_a_slug_cut_at_a_word(db):
    """120 characters of name (its limit) make an address within the slug's 60."""
    name = ("Northwind Traders International Consulting Group " * 3)[:120]
    organization = organization_create(name=name)
    assert organization.slug == "northwind-traders-international-consulting-group-northwind"
    organization.full_clean()
