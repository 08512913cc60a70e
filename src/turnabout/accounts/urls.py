from django.urls import path

from turnabout.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("lockouts/", views.lockout_list_view, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock_view, name="lockout_unlock"),
    path("settings/", views.settings_view, name="settings"),
    path("notifications/", views.notifications_view, name="notifications"),
    path("sso/", views.sso_view, name="sso"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:user_id>/grant/", views.role_grant_view, name="role_grant"),
    path("roles/<int:user_id>/revoke/", views.role_revoke_view, name="role_revoke"),
    path("integrations/new/", views.integration_create_view, name="integration_create"),
]
