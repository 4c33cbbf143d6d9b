"""Properties on generated input (hypothesis): the matching keys and similarities, and the API's
parameter and body parsers, which answer a value in range or a ValidationError, nothing else.

The normaliser's own properties (never raises, idempotent, a non-blank name never gives an
empty key, case and diacritics) are in tests/unit/matching/test_normalize_properties.py; here
the keys and scores built on it. A name of only punctuation ("!!!", "÷") keeps itself,
casefolded, as its key (`_fallback`): an empty key would match nothing, not even itself.
"""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from soulspot.api import params
from soulspot.errors import ValidationError
from soulspot.matching.normalize import (
    is_placeholder,
    key_similarity,
    name_key,
    normalize_name,
    normalize_title,
    title_key,
)
from soulspot.models import CandidateStatus, EntityKind

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)

# Any text, lone surrogates included: a file name read with surrogateescape holds them.
any_text = st.text(st.characters(codec=None), max_size=40)
punctuation = st.text(st.sampled_from(string.punctuation + "¡¿÷×§¶•…–—"), min_size=1, max_size=8)
digits_and_noise = st.text(st.sampled_from(string.digits + " +-_.eE\t\n٣߁"), max_size=25)
query_values = st.one_of(any_text, digits_and_noise, st.integers().map(str))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=20,
)


@PROPERTY
@given(any_text)
def test_keys_of_any_text_are_consistent_and_never_empty_for_a_non_blank_name(text: str) -> None:
    for key in (name_key(text), title_key(text)):
        assert key.compact == key.text.replace(" ", "")
        assert key.tokens == tuple(sorted(key.text.split()))
        assert bool(key.text) == bool(text.strip())
    assert isinstance(is_placeholder(text), bool)


@PROPERTY
@given(punctuation)
def test_a_name_of_only_punctuation_keys_as_itself(text: str) -> None:
    assert normalize_name(text) == normalize_name(normalize_name(text))
    assert normalize_name(text) != ""
    assert normalize_title(text) != ""


@PROPERTY
@given(any_text, any_text, st.floats(0, 1))
def test_similarities_are_scores_and_a_name_is_fully_similar_to_itself(
    a: str, b: str, floor: float
) -> None:
    for make in (name_key, title_key):
        value = key_similarity(make(a), make(b), floor)
        assert 0.0 <= value <= 1.0
        assert key_similarity(make(a), make(a)) == (1.0 if a.strip() else 0.0)
        if value == 1.0:
            assert make(a).text == make(b).text


@pytest.fixture(scope="module")
def app() -> Flask:
    return Flask(__name__)


def _query(app: Flask, name: str, value: str | None):  # noqa: ANN202
    return app.test_request_context(query_string={} if value is None else {name: value})


@PROPERTY
@given(value=st.one_of(st.none(), query_values), low=st.integers(-50, 50), span=st.integers(0, 500))
def test_int_arg_gives_a_value_in_range_or_a_validation_error(
    app: Flask, value: str | None, low: int, span: int
) -> None:
    with _query(app, "n", value):
        try:
            got = params.int_arg("n", low, minimum=low, maximum=low + span)
        except ValidationError:
            return
    assert low <= got <= low + span


@PROPERTY
@given(limit=st.one_of(st.none(), query_values), offset=st.one_of(st.none(), query_values))
def test_page_args_give_a_bounded_page_or_a_validation_error(
    app: Flask, limit: str | None, offset: str | None
) -> None:
    query = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
    with app.test_request_context(query_string=query):
        try:
            got_limit, got_offset = params.page_args(max_limit=200)
        except ValidationError:
            return
    assert 1 <= got_limit <= 200
    assert 0 <= got_offset <= params.MAX_OFFSET


@PROPERTY
@given(st.one_of(st.none(), query_values))
def test_text_and_choice_parameters_give_a_value_or_a_validation_error(
    app: Flask, value: str | None
) -> None:
    parsers = [
        lambda: params.bool_arg("v", None),
        lambda: params.str_arg("v"),
        lambda: params.entity_kind_arg("v"),
        lambda: params.enum_arg("v", CandidateStatus),
    ]
    for parse in parsers:
        with _query(app, "v", value):
            try:
                got = parse()
            except ValidationError:
                continue
        assert got is None or isinstance(got, bool | str | EntityKind | CandidateStatus)
        if isinstance(got, str) and not isinstance(got, CandidateStatus | EntityKind):
            assert len(got) <= params.MAX_STR_ARG and got == got.strip()


@PROPERTY
@given(json_values, st.integers(-10, 10), st.integers(0, 100))
def test_bounded_int_and_str_field_give_a_value_or_a_validation_error(
    value: Any, low: int, span: int
) -> None:
    payload = {"field": value}
    try:
        got = params.bounded_int(payload, "field", low, minimum=low, maximum=low + span)
    except ValidationError:
        pass
    else:
        assert type(got) is int and low <= got <= low + span
    try:
        text = params.str_field(payload, "field")
    except ValidationError:
        pass
    else:
        assert text.strip()


@PROPERTY
@given(
    st.one_of(
        st.binary(max_size=60),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.integers(0, 80).map(lambda n: ("[" * n + "]" * n).encode()),
        st.integers(0, 80).map(lambda n: ('{"a":' * n + "1" + "}" * n).encode()),
    )
)
def test_json_body_gives_an_object_or_a_validation_error(app: Flask, body: bytes) -> None:
    with app.test_request_context(method="POST", data=body, content_type="application/json"):
        try:
            payload = params.json_body(required=False)
        except ValidationError:
            return
    assert isinstance(payload, dict)
    json.dumps(payload, ensure_ascii=False).encode("utf-8")  # storable: no lone surrogate
