from django.urls import path

from reports import views
from reports.views import exports, surveys, targets

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/kpi.csv", exports.kpi_csv, name="export_csv"),
    path("<int:year>/kpi.xlsx", exports.kpi_xlsx, name="export_xlsx"),
    path("<int:year>/report/", exports.year_report, name="year_report"),
    path("<int:year>/report.pdf", exports.year_report_pdf, name="year_report_pdf"),
    path("<int:year>/lock/", views.lock_year, name="lock_year"),
    path("<int:year>/targets/", targets.target_list, name="targets"),
    path("<int:year>/targets/<slug:code>/", targets.target_edit, name="target_edit"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/add/", surveys.survey_add, name="survey_add"),
    path("surveys/tally/", surveys.survey_tally, name="survey_tally"),
    path("surveys/codes/", surveys.survey_codes, name="survey_codes"),
    path("surveys/codes/<slug:code>.svg", surveys.survey_qr, name="survey_qr"),
    path("survey/<str:token>/", surveys.public_survey, name="public_survey"),
    path("survey/<str:token>/thanks/", surveys.public_thanks, name="public_thanks"),
]
