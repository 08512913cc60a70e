from django.urls import path

from turnabout.integrations import views

app_name = "integrations"
urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/<int:channel_id>/delete/", views.channel_delete, name="channel_delete"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:endpoint_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:endpoint_id>/test/", views.webhook_test, name="webhook_test"),
]
