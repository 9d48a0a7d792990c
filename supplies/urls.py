from django.urls import path

from supplies import views

app_name = "supplies"
urlpatterns = [
    path("", views.home, name="home"),
]
