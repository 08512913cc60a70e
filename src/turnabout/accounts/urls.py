from django.urls import path

from turnabout.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("lockouts/", views.lockout_list_view, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock_view, name="lockout_unlock"),
    path("settings/", views.settings_view, name="settings"),
    path("sso/", views.sso_view, name="sso"),
]
