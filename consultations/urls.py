from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.home, name="home"),
    path("record/", views.record_contact, name="record"),
    path("clients/search/", views.client_search, name="client_search"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/export/", views.client_export, name="client_export"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/", views.case_status, name="case_status"),
    path("cases/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:pk>/contacts/", views.case_add_contact, name="case_add_contact"),
    path("cases/<int:pk>/referrals/", views.case_add_referral, name="case_add_referral"),
    path("cases/<int:pk>/activities/", views.case_add_activity, name="case_add_activity"),
    path("cases/<int:pk>/access-log/", views.case_access_log, name="case_access_log"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
]
