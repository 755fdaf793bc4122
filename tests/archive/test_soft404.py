"""Soft 404s: answers that say 200 but mean the page is gone."""

from __future__ import annotations

from app.archive.soft404 import is_soft_404

STORY = "http://a.example/story/1"


def test_a_redirect_from_a_story_to_the_site_root_is_gone() -> None:
    home = "Welcome to the front page. " * 100
    assert is_soft_404(STORY, "http://a.example/", redirected=True, title="Home", text=home)


def test_the_root_itself_is_not_a_soft_404() -> None:
    home = "Welcome to the front page. " * 100
    url = "http://a.example/"
    assert not is_soft_404(url, url, redirected=False, title="Home", text=home)


def test_a_short_not_found_page_is_gone() -> None:
    text = "Sorry, this page could not be found."
    assert is_soft_404(STORY, STORY, redirected=False, title="Page not found", text=text)


def test_an_article_mentioning_404_is_not() -> None:
    text = "The page was found; 404 people attended. " * 60
    assert not is_soft_404(STORY, STORY, redirected=False, title="Story", text=text)
