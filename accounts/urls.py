from django.urls import path

from accounts.views import invitation, members, two_factor

app_name = "accounts"
urlpatterns = [
    path("connexion/code/", two_factor.login_code, name="login_code"),
    path("compte/double-authentification/", two_factor.two_factor, name="two_factor"),
    path(
        "compte/double-authentification/codes/",
        two_factor.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "compte/double-authentification/codes/nouveaux/",
        two_factor.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path(
        "compte/double-authentification/desactiver/",
        two_factor.two_factor_off,
        name="two_factor_off",
    ),
    path("invitation/<str:token>/", invitation.invitation, name="invitation"),
    path("structures/<int:structure_id>/membres/", members.member_list, name="members"),
    path(
        "structures/<int:structure_id>/membres/inviter/",
        members.invitation_send,
        name="invitation_send",
    ),
    path(
        "structures/<int:structure_id>/membres/<int:member_id>/roles/",
        members.member_roles,
        name="member_roles",
    ),
    path(
        "structures/<int:structure_id>/membres/<int:member_id>/retirer/",
        members.member_remove_view,
        name="member_remove",
    ),
    path(
        "structures/<int:structure_id>/invitations/<int:invitation_id>/renvoyer/",
        members.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "structures/<int:structure_id>/invitations/<int:invitation_id>/retirer/",
        members.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("structures/<int:structure_id>/journal/", members.audit, name="audit"),
]
