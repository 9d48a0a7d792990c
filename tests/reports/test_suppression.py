"""Small counts on city pages: 1–4 shows 「5未満」, and a second cell goes when a total would
reveal the first."""

from reports.suppression import suppress, total_cell


def shown(cells):
    return [cell.text or cell.value for cell in cells]


def test_counts_from_1_to_4_are_hidden_and_zero_and_5_are_not():
    assert shown(suppress([0, 1, 4, 5, 6, 3], with_total=False)) == [
        0,
        "5未満",
        "5未満",
        5,
        6,
        "5未満",
    ]


def test_a_lone_hidden_cell_beside_a_total_takes_the_smallest_other_with_it():
    cells = suppress([12, 3, 7, 0, 20], with_total=True)

    assert shown(cells) == [12, "5未満", "非表示", 0, 20]
    # The total (42) less the shown cells (32) is 10: 3 and 7 together, not 3 alone.


def test_two_hidden_cells_need_no_third():
    assert shown(suppress([2, 3, 9], with_total=True)) == ["5未満", "5未満", 9]


def test_without_a_total_one_hidden_cell_stays_alone():
    assert shown(suppress([12, 3, 7], with_total=False)) == [12, "5未満", 7]


def test_a_small_total_is_hidden_too():
    assert total_cell([0, 2, 0], city=True).text == "5未満"
    assert total_cell([0, 2, 0], city=False).value == 2
    assert total_cell([0, 0], city=True).value == 0
