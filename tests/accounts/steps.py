"""What a person does in these tests: log in, type a code, follow an e-mail's link."""

import re

from django.core import mail
from django.urls import reverse


def password_login(client, username, password="correct horse 42", *, path=None, **extra):
    """The login form, sent; ``path`` is the login page's address with its ``next``."""
    data = {"username": username, "password": password}
    return client.post(path or reverse("login"), data, **extra)


def code_login(client, code, **extra):
    return client.post(reverse("accounts:login_code"), {"code": code}, **extra)


def link_in(message) -> str:
    """The absolute link of an e-mail."""
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def last_mail():
    assert mail.outbox, "no e-mail sent"
    return mail.outbox[-1]
