from newsnorm.steps.segment import split_segments


def test_one_segment_per_non_blank_line_with_its_line_number():
    text = "Title\n\nFirst para\nSecond para\n \u00a0 \n  indented  text  \n"
    segs = split_segments(text.replace("\u00a0", " "))
    assert [(s.seq, s.line_start, s.text) for s in segs] == [
        (0, 0, "Title"), (1, 2, "First para"), (2, 3, "Second para"), (3, 5, "indented text"),
    ]


def test_empty_text_has_no_segments():
    assert split_segments("\n\n  \n") == []


def test_a_segment_pickles_to_an_equal_segment():
    import pickle

    from newsnorm.document import Segment

    seg = Segment(3, 7, "Xin chào", "vi", 0.99, "caption", "photo credit", "Hello", "argos", "translated", 2)
    assert pickle.loads(pickle.dumps(seg)) == seg
    assert pickle.loads(pickle.dumps(Segment(0, 0, "x"))) == Segment(0, 0, "x")
