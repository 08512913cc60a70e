from django.urls import path

from turnabout.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("integrations/new/", views.integration_create_view, name="integration_create"),
]
