"""kokona's template tags that are not about dates (those are in test_fiscal.py)."""

from django.template import engines


def render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load kokona %}" + source).render(context)


class Counter:
    """Counts how often a template reads it."""

    def __init__(self) -> None:
        self.reads = 0

    def __str__(self) -> str:
        self.reads += 1
        return f"<{self.reads}>"


def test_capture_draws_once_and_shows_it_again_as_drawn():
    counter = Counter()

    html = render(
        "{% capture as head %}<b>{{ counter }}</b>{% endcapture %}"
        "{% for _ in rows %}[{{ head }}]{% endfor %}",
        counter=counter,
        rows=range(3),
    )

    assert counter.reads == 1
    # The markup drawn stays markup; what a variable held is escaped once, as anywhere.
    assert html == "[<b>&lt;1&gt;</b>]" * 3
