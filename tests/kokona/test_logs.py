"""Logs carry request ids, never personal data."""

import logging


def test_database_details_are_kept_out_of_the_logs():
    from kokona.logs import ScrubbingFormatter

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "IntegrityError\nDETAIL:  Failing row contains (7, 夫のDVから避難).",
        None,
        None,
    )
    record.request_id = "-"

    assert "夫のDV" not in ScrubbingFormatter("%(message)s").format(record)
