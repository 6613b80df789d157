"""bookkit.quiz: a wrong key stops the quiz (and so the book build); bad question data is refused clearly."""

import dataclasses

import pytest
import torch

import source_lib as sl
from bookkit import quiz

F = torch.nn.functional


def torch_height(h, k, **settings):
    return F.conv_transpose2d(torch.zeros(1, 1, h, h), torch.zeros(1, 1, k, k), **settings).shape[-2]


def size_question():
    return quiz.Numeric(
        "size-13", "Output height of ConvTranspose2d(k=4, s=2, p=1) on 13×13?",
        key=lambda: sl.conv_transpose2d_output_size(13, 4, stride=2, padding=1),
        reference=lambda: torch_height(13, 4, stride=2, padding=1),
        explanation="(13 − 1)·2 − 2 + 4 = 26.")


def choice_question(justify=lambda: True):
    return quiz.MultipleChoice(
        "where", "Where does output_padding add its row?",
        [quiz.Option("top", "no, bottom"), quiz.Option("bottom", "yes", correct=True)],
        justify=justify)


def three(*first):
    return list(first) + [choice_question(), dataclasses.replace(choice_question(), id="other")][: 3 - len(first)]


def test_keys_that_agree_with_torch_pass_and_are_returned():
    keys = quiz.verify_keys(three(size_question()))
    assert keys == {"size-13": torch_height(13, 4, stride=2, padding=1)}


def test_a_library_bug_in_a_key_raises(monkeypatch):
    right = sl.conv_transpose2d_output_size
    monkeypatch.setattr(sl, "conv_transpose2d_output_size", lambda *args, **kwargs: right(*args, **kwargs) + 1)
    with pytest.raises(quiz.QuizKeyError, match=r"'size-13'.*source_lib's key 27 differs from torch's 26"):
        quiz.verify_keys(three(size_question()))


def test_show_raises_instead_of_rendering_a_wrong_key(monkeypatch):
    wrong = dataclasses.replace(size_question(), key=lambda: 25)
    with pytest.raises(quiz.QuizKeyError, match="differs from torch's 26"):
        quiz.show(three(wrong))


def test_a_float_key_is_compared_within_its_tolerance():
    near = quiz.Numeric("ratio", "?", key=lambda: 4.0 + 1e-13, reference=lambda: torch.tensor(4.0, dtype=torch.float64),
                        explanation="", tolerance=1e-12)
    assert quiz.verify_keys(three(near)) == {"ratio": pytest.approx(4.0)}
    with pytest.raises(quiz.QuizKeyError):
        quiz.verify_keys(three(dataclasses.replace(near, tolerance=0.0)))


def test_a_failing_justification_raises():
    with pytest.raises(quiz.QuizKeyError, match="'where'.*returned False"):
        quiz.verify_keys([size_question(), choice_question(justify=lambda: False), dataclasses.replace(size_question(), id="b")])


@pytest.mark.parametrize("value", [float("nan"), "26", None, True])
def test_a_key_that_is_not_a_number_is_refused(value):
    with pytest.raises(quiz.QuizKeyError, match="must be a finite number"):
        quiz.verify_keys(three(dataclasses.replace(size_question(), key=lambda: value)))


@pytest.mark.parametrize("count", [2, 6])
def test_a_chapter_has_three_to_five_questions(count):
    questions = [dataclasses.replace(size_question(), id=f"q{i}") for i in range(count)]
    with pytest.raises(ValueError, match=f"3 to 5 questions, got {count}"):
        quiz.verify_keys(questions)


def test_bad_question_data_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match="two questions have the id 'size-13'"):
        quiz.verify_keys([size_question(), size_question(), choice_question()])
    with pytest.raises(ValueError, match="exactly one marked correct=True, but has 2 options and 0 correct"):
        quiz.verify_keys(three(quiz.MultipleChoice("none", "?", [quiz.Option("a", "x"), quiz.Option("b", "y")])))
    with pytest.raises(ValueError, match="needs its explanation"):
        quiz.verify_keys(three(quiz.MultipleChoice("empty", "?", [quiz.Option("a", ""), quiz.Option("b", "y", True)])))
    with pytest.raises(ValueError, match="must be lower-case letters"):
        quiz.verify_keys(three(dataclasses.replace(size_question(), id="Size 13")))
    with pytest.raises(TypeError, match="a quiz is a list of questions"):
        quiz.verify_keys(size_question())


def test_the_output_carries_the_key_the_controls_and_the_script():
    html = quiz.render(three(size_question()), {"size-13": 26.0})
    assert 'data-answer="26"' in html and 'aria-live="polite"' in html
    assert '<label for="quiz-size-13-input">' in html and 'type="radio"' in html
    assert "<script>" in html and "transposedQuizBound" in html and "<style>" in html
    assert "http://" not in html and "https://" not in html


def test_the_options_are_shown_in_display_order_with_the_right_one_moved_by_its_id():
    options = [quiz.Option(f"option {letter}", f"why {letter}", correct=letter == "a") for letter in "abcd"]
    places = {}
    for number in range(40):
        question = quiz.MultipleChoice(f"q{number}", "?", options)
        shown = quiz.display_order(question)
        assert [o for o in shown if not o.correct] == options[1:]  # the others keep their written order
        places[question.id] = [o.correct for o in shown].index(True)
        html = quiz.render(three(question), {})
        labels = [html.index(f">{option.text}</label>") for option in shown]
        assert labels == sorted(labels)  # rendered in that order
        assert quiz.display_order(question) == shown  # the same order every time
    assert set(places.values()) == {0, 1, 2, 3}
