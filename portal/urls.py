from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from accounts.views.two_factor import back_office_login
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("espace/", views.space_switch, name="space_switch"),
    path("sante/", views.health, name="health"),
    path("langue/", views.language_switch, name="set_language"),
    path("compte/", views.account, name="account"),
    path("", include("accounts.urls")),
    path("", include("invoices.urls")),
    path("structures/", include("structures.urls")),
    path("fournisseur/logiciel-de-facturation/", include("connectors.facturation_pro.urls")),
    path("structures/", include("webhooks.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.key_urls")),
    # Before the back-office's own login form, which knows nothing of the second factor.
    path("back-office/login/", back_office_login),
    path("back-office/", admin.site.urls),
    # Pages that do not link an icon (the back-office) make browsers ask for this one.
    # Lazy: with the manifest storage of production the address exists after collectstatic.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"))),
]
