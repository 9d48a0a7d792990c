from django.urls import path

from consultations.views import cases, clients, contacts, line, reach, records

app_name = "consultations"
urlpatterns = [
    path("", records.home, name="home"),
    path("inbox/", records.inbox, name="inbox"),
    path("recent/", records.recent, name="recent"),
    path("record/", records.record_contact, name="record"),
    path("clients/search/", records.client_search, name="client_search"),
    path("clients/duplicates/", records.likely_duplicates, name="likely_duplicates"),
    path("clients/<int:pk>/", clients.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:pk>/export/", clients.client_export, name="client_export"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/take/", contacts.contact_take, name="contact_take"),
    path("contacts/<int:pk>/join/", contacts.contact_join, name="contact_join"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/panels/<slug:panel>/", cases.case_panel, name="case_panel"),
    path("cases/<int:pk>/status/", cases.case_status, name="case_status"),
    path("cases/<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("cases/<int:pk>/contacts/", cases.case_add_contact, name="case_add_contact"),
    path("cases/<int:pk>/referrals/", cases.case_add_referral, name="case_add_referral"),
    path("cases/<int:pk>/activities/", cases.case_add_activity, name="case_add_activity"),
    path("cases/<int:pk>/access-log/", cases.case_access_log, name="case_access_log"),
    path("cases/<int:pk>/line-reply/", line.line_reply, name="line_reply"),
    path("outreach/", reach.outreach_report, name="outreach_report_now"),
    path("outreach/<int:year>/", reach.outreach_report, name="outreach_report"),
    path("line-replies/<int:pk>/retry/", line.line_reply_retry, name="line_reply_retry"),
]
