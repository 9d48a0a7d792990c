"""The 居場所 screens: the calendar and list, a session's page with its attendance, planning
sessions and series, the expert consultation slots and the survey tally. NPO staff only."""
