from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserProfile(models.Model):
    """What a user chooses for themselves, whichever structures they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # Empty until the user picks one: the portal's language (French) then applies.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class NoticeEmails(models.TextChoices):
        IMMEDIATE = "immediate", _("An e-mail for each notice")
        DAILY = "daily", _("One e-mail a day, with the day's notices")
        NONE = "none", _("No e-mail: notices in the portal only")

    # How the user's notices reach them by e-mail (invoices/notifications).
    notice_emails = models.CharField(
        _("notice e-mails"),
        max_length=10,
        choices=NoticeEmails.choices,
        default=NoticeEmails.IMMEDIATE,
    )
    # A structure manager may ask for a weekly recap of their structures (as Chorus Pro's own
    # portal offers).
    weekly_recap = models.BooleanField(_("weekly recap"), default=False)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return str(self.user)
