from django.urls import path

from ibasho import views

app_name = "ibasho"
urlpatterns = [
    path("", views.home, name="home"),
]
