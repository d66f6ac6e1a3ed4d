"""The table of controls validates every setting and round-trips through the shareable URL."""

import pytest

from neuronlab.playground.config import CONTROLS, ConfigError, defaults, from_query, to_query, validate


def test_defaults_are_valid_and_cover_every_control():
    config = validate({})
    assert config == defaults()
    assert set(config) == {c.name for c in CONTROLS}


@pytest.mark.parametrize(
    "raw, words",
    [
        ({"learning_rate": "0.1"}, "learning_rate must be a finite number"),
        ({"learning_rate": float("nan")}, "finite"),
        ({"learning_rate": 100.0}, "between"),
        ({"activation": "__import__('os')"}, "activation must be one of"),
        ({"hidden": [4, 0]}, "between 1 and 8"),
        ({"hidden": [1] * 7}, "at most 6"),
        ({"features": []}, "non-empty"),
        ({"features": ["x3"]}, "drawn from"),
        ({"batch_norm": 1}, "true or false"),
        ({"seed": 1.5}, "integer"),
        ({"seed": True}, "integer"),
        ({"colour": "red"}, "unknown setting 'colour'"),
        ({"dataset": "plane"}, "for regression"),
        ({"problem": "regression"}, "for classification"),
    ],
)
def test_bad_settings_are_refused_with_a_message_naming_them(raw, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        validate(raw)


def test_not_an_object_is_refused():
    with pytest.raises(ConfigError, match="JSON object"):
        validate([1, 2])


def test_the_url_holds_what_differs_from_the_defaults_and_restores_it():
    config = validate({"dataset": "spiral", "classes": 3, "hidden": [8, 8, 4], "batch_norm": True,
                       "learning_rate": 0.003, "features": ["x1", "x2", "sinx1"]})  # fmt: skip
    query = to_query(config)
    assert query == {"dataset": "spiral", "classes": "3", "hidden": "8,8,4", "batch_norm": "1",
                     "learning_rate": "0.003", "features": "x1,x2,sinx1"}  # fmt: skip
    assert from_query(query) == config
    assert from_query({"hidden": ""})["hidden"] == []


@pytest.mark.parametrize("query", [{"seed": "x"}, {"nope": "1"}, {"batch_norm": "yes"}, {"hidden": "1,a"}])
def test_a_bad_url_is_refused(query):
    with pytest.raises(ConfigError):
        from_query(query)
