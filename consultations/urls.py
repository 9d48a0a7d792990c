from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.home, name="home"),
]
