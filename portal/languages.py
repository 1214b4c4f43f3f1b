"""Each user reads the portal, and receives notices, in their own language.

The choice is stored on the user's profile (the language switch and the account page set it), so
that it follows the user from one browser to another and reaches what workers send them:
- `UserLanguageMiddleware` applies it to every request once the user is known (before that,
  Django's LocaleMiddleware reads the language cookie and the browser's preference);
- notices and e-mails written by workers call `language_for_user` for each recipient.
"""

from django.conf import settings
from django.utils import translation

from portal.models import UserProfile

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_for_user(*, user) -> str:
    """The user's chosen language, or the portal's when they have not chosen one. Reads a
    prefetched profile (``select_related("profile")``) without a query."""
    try:
        chosen = user.profile.language
    except UserProfile.DoesNotExist:
        chosen = ""
    return chosen if chosen in LANGUAGE_CODES else settings.LANGUAGE_CODE


def language_for_user_set(*, user, language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise ValueError(f"unknown language {language!r}")
    UserProfile.objects.update_or_create(user=user, defaults={"language": language})
    # The profile cached on the user object would still say the old language.
    user._state.fields_cache.pop("profile", None)


class UserLanguageMiddleware:
    """After authentication: the logged-in user's own language for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_chosen_by_user(user=user)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def language_chosen_by_user(*, user) -> str:
    """The language the user chose, or "" when they have not chosen one (one query)."""
    chosen = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen if chosen in LANGUAGE_CODES else ""
