"""Public addresses (no sign-in): the cards' short addresses and the web consultation form."""

from django.urls import path

from consultations import public

app_name = "reach"
urlpatterns = [
    path("", public.landing, name="start"),
    path("form/", public.web_form, name="form_start"),
    path("sent/", public.sent, name="sent"),
    path("<slug:code>/", public.landing, name="landing"),
    path("<slug:code>/form/", public.web_form, name="form"),
]
