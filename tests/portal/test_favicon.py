"""Every page names an icon the portal serves: browsers otherwise ask for /favicon.ico and log a
404 in the console of every page."""

from django.contrib.staticfiles import finders


def test_pages_link_an_icon_that_exists_and_favicon_ico_leads_to_it(client):
    page = client.get("/connexion/")
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page.text
    assert finders.find("img/favicon.svg")
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/img/favicon.svg")


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    # An injected <style> is refused by the CSP (style-src 'self'): the console shows it.
    page = client.get("/connexion/")
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page.text
