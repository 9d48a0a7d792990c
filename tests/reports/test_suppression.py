"""Small counts on city pages: 1–4 shows 「5未満」, and a second cell goes when a total would
reveal the first."""

from reports.suppression import suppress, suppress_table, total_cell


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


def lone_hidden_lines(values, cells, row_totals, column_totals, grand) -> list[str]:
    """Every row or column (with its total) that holds exactly one hidden member."""
    lines = []
    for r, row in enumerate(cells):
        members = row + ([row_totals[r]] if row_totals else [])
        if row_totals and sum(c.hidden for c in members) == 1:
            lines.append(f"row {r}")
    if column_totals:
        for c in range(len(column_totals)):
            members = [row[c] for row in cells] + [column_totals[c]]
            if sum(m.hidden for m in members) == 1:
                lines.append(f"column {c}")
    if grand is not None:
        if sum(c.hidden for c in [*column_totals, grand]) == 1:
            lines.append("the totals row")
        if sum(c.hidden for c in [*row_totals, grand]) == 1:
            lines.append("the totals column")
    return lines


def test_a_table_with_both_totals_never_leaves_a_lone_hidden_cell_in_a_row_or_column():
    values = [[3, 10, 0], [8, 6, 12], [0, 9, 7]]

    cells, row_totals, column_totals, grand = suppress_table(
        values, column_total=True, row_total=True, city=True
    )

    assert cells[0][0].hidden and cells[0][0].reason == "5未満"
    assert lone_hidden_lines(values, cells, row_totals, column_totals, grand) == []
    assert sum(c.hidden for row in cells for c in row) >= 4  # a rectangle at least
    assert [c.value for c in column_totals] == [11, 25, 19] and grand.value == 55
    assert not grand.hidden


def test_a_table_without_totals_hides_only_the_small_cells():
    cells, row_totals, column_totals, grand = suppress_table(
        [[3], [6], [9]], column_total=False, row_total=False, city=True
    )

    assert [c.hidden for row in cells for c in row] == [True, False, False]
    assert row_totals is None and column_totals is None and grand is None


def test_a_small_total_of_a_column_is_hidden_with_its_cells():
    cells, _rows, column_totals, _grand = suppress_table(
        [[2], [0], [1]], column_total=True, row_total=False, city=True
    )

    assert column_totals[0].hidden and column_totals[0].reason == "5未満"
    assert cells[1][0].value == 0 and not cells[1][0].hidden  # nobody behind a zero


def test_staff_of_the_npo_see_every_count_and_the_totals():
    cells, row_totals, column_totals, grand = suppress_table(
        [[3, 10], [8, 1]], column_total=True, row_total=True, city=False
    )

    assert not any(c.hidden for row in cells for c in row)
    assert [c.value for c in row_totals] == [13, 9]
    assert [c.value for c in column_totals] == [11, 11] and grand.value == 22
