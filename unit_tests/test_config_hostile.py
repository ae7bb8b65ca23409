"""Careless config values are config errors in words, never tracebacks, and never quote a secret
(issue 18 cases 9, 10, 11): non-finite and out-of-range numbers, tokens a header cannot carry, URLs with
credentials or stray spaces, a config that is not an object."""
from __future__ import annotations

import pytest
import yaml
from importlib.resources import files
from airbyte_cdk.models import ConnectorSpecification

from source_centra.config import DEFAULTS, Config
from source_centra.errors import ConfigError
from source_centra.run import CentraEntrypoint

BASE = {"endpoint_url": "https://shop.centra.com/graphql", "api_token": "t0ken-abcdef"}
NUMBERS = sorted(DEFAULTS)
SPEC = ConnectorSpecification(**yaml.safe_load(files("source_centra").joinpath("spec.yaml").read_text()))


@pytest.mark.parametrize("key", NUMBERS)
@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "inf", "Infinity", "NaN", "1e400",
                                   10**400, True, [], {}, "12abc", 1.5e300],
                         ids=["inf", "-inf", "nan", "s-inf", "s-Infinity", "s-NaN", "s-1e400", "10^400", "true",
                              "list", "object", "text", "1.5e300"])
def test_given_non_finite_or_odd_number_then_config_error_naming_the_setting(key, value):
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({**BASE, key: value})
    assert "must be" in error.value.message and "between" in error.value.message


@pytest.mark.parametrize("token, words", [
    ("abc def-123456", "space or line break inside"),
    ("abcdef\n123456", "space or line break inside"),
    ("abc€def123456", "not plain ASCII"),
    ("abc\x00def123456", "not plain ASCII"),
    ("abc\x7fdef123456", "not plain ASCII"),
    ("   ", "API token is empty"),
    (12345678, "API token is empty"),
], ids=["inner-space", "inner-newline", "euro", "nul", "del", "blank", "number"])
def test_given_token_a_header_cannot_carry_then_config_error_without_the_token(token, words):
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({**BASE, "api_token": token})
    assert words in error.value.message
    if isinstance(token, str) and token.strip():
        assert token.strip() not in error.value.message
        for part in token.split():
            assert part not in error.value.message


def test_given_token_with_whitespace_around_then_sent_trimmed():
    assert Config.from_mapping({**BASE, "api_token": "  t0ken-abcdef\n"}).api_token == "t0ken-abcdef"


@pytest.mark.parametrize("url", ["https://shop.centra.com/graphql  ", "  https://shop.centra.com/graphql\n",
                                 "\thttps://shop.centra.com"])
def test_given_url_with_stray_spaces_then_normalised_and_the_spec_check_passes(url):
    config = {**BASE, "endpoint_url": url, "api_token": " t0ken-abcdef\n", "page_size": "50", "store_ids": ["1"]}
    CentraEntrypoint.validate_connection(SPEC, config)  # no "does not match '^[Hh]...'" regex error
    assert Config.from_mapping(config).endpoint_url == "https://shop.centra.com/graphql"


@pytest.mark.parametrize("url, words", [
    ("https://user:pass@shop.centra.com/graphql", "user name or password"),
    ("https://user@shop.centra.com/graphql", "user name or password"),
    ("https://shop.centra.com:99999/graphql", "not a valid URL"),
    ("https://[::1/graphql", "not a valid URL"),
    ("https://shop centra.com/graphql", "not a valid URL"),
], ids=["user-pass", "user", "port", "bracket", "space-in-host"])
def test_given_bad_url_then_config_error_that_never_shows_credentials(url, words):
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({**BASE, "endpoint_url": url})
    assert words in error.value.message
    assert "pass@" not in error.value.message and "user@" not in error.value.message


@pytest.mark.parametrize("raw", [[], "config", None, 7, [{"endpoint_url": "x"}]], ids=["list", "str", "null", "int", "list-obj"])
def test_given_config_that_is_not_an_object_then_config_error(raw):
    with pytest.raises(ConfigError, match="not a JSON object"):
        Config.from_mapping(raw)


@pytest.mark.parametrize("value", [[1.5], [True], [2**40], [float("inf")], [{"id": 1}], {"1": 1}, [0], [-3]],
                         ids=["float", "bool", "huge", "inf", "object", "mapping", "zero", "negative"])
def test_given_odd_store_ids_then_config_error(value):
    with pytest.raises(ConfigError, match="Store ID"):
        Config.from_mapping({**BASE, "store_ids": value})


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-23:59", "2024-13-01", 20240101],
                         ids=["year-1-offset", "year-9999-offset", "month-13", "number"])
def test_given_start_date_out_of_range_then_config_error_not_overflow(value):
    with pytest.raises(ConfigError, match="Start date"):
        Config.from_mapping({**BASE, "start_date": value})


def test_given_request_timeout_then_bounded_and_defaulted():
    assert Config.from_mapping(BASE).request_timeout_seconds == 180
    assert Config.from_mapping({**BASE, "request_timeout_seconds": 30}).request_timeout_seconds == 30
    with pytest.raises(ConfigError, match="Request timeout"):
        Config.from_mapping({**BASE, "request_timeout_seconds": 0})
