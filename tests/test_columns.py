"""Column containers (story index, warehouse index): growing buffers, CSR rows, packed strings, links."""

from __future__ import annotations

import numpy as np

from newsnorm.perf.columns import Growing, Interned, Links, Ragged, Strings


def test_growing_keeps_every_appended_value_across_reallocations():
    g = Growing(np.uint32, width=3)
    for i in range(1000):
        g.append([i, i + 1, i + 2])
    g.extend(np.zeros((5, 3), np.uint32))
    assert len(g) == 1005 and g.view()[999].tolist() == [999, 1000, 1001] and not g.view()[1000:].any()


def test_ragged_rows_and_gather_read_back_what_was_appended():
    r = Ragged(np.uint32, np.uint8)
    rows = [np.arange(n, dtype=np.uint32) * 7 for n in (3, 0, 5, 1)]
    for row in rows:
        r.append(row, (row % 256).astype(np.uint8))
    r.extend(np.array([0, 2, 2]), np.array([9, 8], np.uint32), np.array([1, 2], np.uint8))
    assert len(r) == 6 and r.row(5).size == 0 and r.row(4).tolist() == [9, 8] and r.row(4, 1).tolist() == [1, 2]
    pos, lengths = r.gather(np.array([2, 0, 1, 4]))
    assert lengths.tolist() == [5, 3, 0, 2]
    assert r.columns[0].view()[pos].tolist() == rows[2].tolist() + rows[0].tolist() + [9, 8]


def test_strings_round_trip_none_empty_and_non_ascii():
    s = Strings()
    values = ["a", None, "", "Hà Nội — 서울", "x" * 300]
    s.extend(values)
    assert len(s) == 5 and [s[i] for i in range(5)] == values


def test_interned_values_share_one_code():
    v = Interned()
    for x in ["NPR", None, "NPR", ("a", "b"), None]:
        v.append(x)
    assert [v[i] for i in range(5)] == ["NPR", None, "NPR", ("a", "b"), None]
    assert len(v.values) == 3 and v.codes[0] == v.codes[2]


def test_links_are_kept_once_and_cut_from_both_ends():
    links = Links()
    for older in ([], [0], [0, 1], [1], []):
        links.append(np.array(older, np.int32))
    hi, lo = links.pairs()
    assert sorted(zip(hi.tolist(), lo.tolist(), strict=True)) == [(1, 0), (2, 0), (2, 1), (3, 1)]
    assert sorted(links.of(1)) == [0, 2, 3] and links.down(2).tolist() == [0, 1]
    assert links.cut([1]) == {0, 2, 3}
    hi, lo = links.pairs()
    assert list(zip(hi.tolist(), lo.tolist(), strict=True)) == [(2, 0)] and links.of(1) == []
