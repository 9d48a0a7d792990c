"""Supervisors edit the programmes here (name, order, venue, childcare, appointments). Sessions
and attendance have their own screens, where access is checked and reads are logged."""

from django.contrib import admin

from ibasho.models import Program
from kokona.vocabularies import VocabularyAdmin


@admin.register(Program)
class ProgramAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "venue", "offers_childcare", "by_appointment"]
    list_filter = ["offers_childcare", "by_appointment", "is_active"]
