from django.urls import path

from ibasho.views import attendance, calendar, sessions

app_name = "ibasho"
urlpatterns = [
    path("", calendar.home, name="home"),
    path("calendar/<int:year>/<int:month>/", calendar.month, name="month"),
    path("calendar/week/<int:year>/<int:month>/<int:day>/", calendar.week, name="week"),
    path("sessions/", calendar.session_list, name="session_list"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/reinstate/", sessions.session_reinstate, name="session_reinstate"),
    path("sessions/<int:pk>/survey/", sessions.survey, name="survey"),
    path("sessions/<int:pk>/find/", attendance.find, name="find"),
    path("sessions/<int:pk>/attendance/", attendance.add, name="attendance_add"),
    path("sessions/<int:pk>/head-count/", attendance.head_count, name="head_count"),
    path("attendance/<int:pk>/", attendance.change, name="attendance_change"),
    path("appointments/", attendance.appointments, name="appointments"),
]
