from datetime import datetime, timezone

import pytest

from source_centra.config import Config
from source_centra.errors import ConfigError

BASE = {"endpoint_url": "https://shop.centra.com/graphql", "api_token": "t0ken"}


def parse(**overrides):
    return Config.from_mapping({**BASE, **overrides})


def test_given_minimal_config_then_defaults_apply():
    config = parse()
    assert (config.lookback_window_days, config.returns_lookback_days, config.page_size) == (3, 60, 100)
    assert config.start_date is None and config.store_ids == ()


@pytest.mark.parametrize("url, expected", [
    ("https://shop.centra.com", "https://shop.centra.com/graphql"),
    ("https://shop.centra.com/", "https://shop.centra.com/graphql"),
    ("HTTPS://shop.centra.com/graphql/", "https://shop.centra.com/graphql"),
    ("http://127.0.0.1:8080/graphql", "http://127.0.0.1:8080/graphql"),
    ("http://localhost:8080", "http://localhost:8080/graphql"),
    ("http://[::1]:8080/graphql", "http://[::1]:8080/graphql"),
], ids=["base-url", "trailing-slash", "upper-scheme", "loopback-ip", "localhost", "ipv6-loopback"])
def test_given_endpoint_url_then_normalised(url, expected):
    assert parse(endpoint_url=url).endpoint_url == expected


@pytest.mark.parametrize("url, words", [
    ("http://shop.centra.com/graphql", "plain http"),
    ("shop.centra.com/graphql", "not a valid URL"),
    ("ftp://shop.centra.com", "not a valid URL"),
    ("", "Endpoint URL is empty"),
], ids=["http-remote", "no-scheme", "ftp", "empty"])
def test_given_bad_endpoint_url_then_config_error_says_why(url, words):
    with pytest.raises(ConfigError) as error:
        parse(endpoint_url=url)
    assert words in error.value.message


def test_given_several_problems_then_all_reported_in_one_message():
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({"endpoint_url": "http://shop.centra.com", "api_token": "", "page_size": 500,
                             "start_date": "yesterday"})
    message = error.value.message
    for words in ("plain http", "API token is empty", "Page size must be between 1 and 200", "Start date 'yesterday'"):
        assert words in message


def test_given_future_start_date_then_error():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ConfigError, match="in the future"):
        Config.from_mapping({**BASE, "start_date": "2027-01-01"}, now=now)


@pytest.mark.parametrize("value, expected", [
    ("2024-01-01", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("2024-01-01T02:00:00+02:00", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
], ids=["date", "offset", "zulu"])
def test_given_start_date_then_parsed_to_utc(value, expected):
    assert parse(start_date=value).start_date == expected


def test_given_store_ids_then_deduplicated_ints_and_bad_ones_named():
    assert parse(store_ids=[2, "1", 2]).store_ids == (2, 1)
    with pytest.raises(ConfigError, match="Store ID 'x'"):
        parse(store_ids=["x"])


def test_given_error_then_token_not_in_message():
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({"endpoint_url": "nope", "api_token": "SECRET-TOKEN-123"})
    assert "SECRET-TOKEN-123" not in error.value.message


def test_given_no_personal_data_option_then_personal_fields_are_kept():
    assert parse().pii_handling == "keep"
    assert parse(pii_handling="").pii_handling == "keep"


@pytest.mark.parametrize("value, expected", [("keep", "keep"), ("hash", "hash"), ("drop", "drop"), (" Hash ", "hash")],
                         ids=["keep", "hash", "drop", "spaced-upper"])
def test_given_personal_data_option_then_parsed(value, expected):
    assert parse(pii_handling=value).pii_handling == expected


@pytest.mark.parametrize("value", ["mask", 1, ["hash"]], ids=["unknown-word", "number", "list"])
def test_given_unknown_personal_data_option_then_config_error_lists_the_choices(value):
    with pytest.raises(ConfigError) as error:
        parse(pii_handling=value)
    assert "Personal data must be one of keep, hash or drop" in error.value.message


def test_given_spec_then_personal_data_enum_matches_config_and_defaults_to_keep():
    import yaml
    from importlib.resources import files

    from source_centra.config import PII_MODES

    spec = yaml.safe_load((files("source_centra") / "spec.yaml").read_text(encoding="utf-8"))
    option = spec["connectionSpecification"]["properties"]["pii_handling"]
    assert tuple(option["enum"]) == PII_MODES and option["default"] == "keep" and option["title"] == "Personal data"
