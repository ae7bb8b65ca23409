"""Every form of a secret the connector sends is masked in any output: the token trimmed, with `Bearer `,
and a URL's user info, whatever whitespace the configured value carried (issue 18 cases 1 and 10)."""
from __future__ import annotations

import base64

import pytest
import yaml
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets, update_secrets

from source_centra import masking
from source_centra.config import Config
from source_centra.errors import ConfigError
from source_centra.run import CentraEntrypoint
from importlib.resources import files

TOKEN = "22f7a9c3d1e84b6f9a0c5d2e7b4f1a3c"
SPEC = yaml.safe_load(files("source_centra").joinpath("spec.yaml").read_text())["connectionSpecification"]


@pytest.fixture(autouse=True)
def fresh_filter():
    update_secrets([])
    yield
    update_secrets([])


@pytest.mark.parametrize("configured", [f"  {TOKEN}\n", f"\t{TOKEN}  ", f"{TOKEN}\r\n", TOKEN],
                         ids=["spaces-newline", "tab-spaces", "crlf", "clean"])
def test_given_token_with_whitespace_when_echoed_in_any_sent_form_then_masked(configured):
    # what the entrypoint does before check/discover/read (the CDK alone registers only the raw value)
    CentraEntrypoint.set_up_secret_filter({"endpoint_url": "https://x.centra.com", "api_token": configured}, SPEC)
    for echoed in (f"bad auth header Bearer {TOKEN}", f"unknown token {TOKEN}!", f"Authorization: Bearer {TOKEN}"):
        assert TOKEN not in filter_secrets(echoed), echoed


def test_given_config_parsed_anywhere_then_its_token_forms_are_masked():
    # PyAirbyte, tests and discover parse the config without the entrypoint: parsing registers too
    Config.from_mapping({"endpoint_url": "https://x.centra.com", "api_token": f" {TOKEN} "})
    assert filter_secrets(f"said: Bearer {TOKEN}") == "said: ****"


def test_given_url_with_credentials_then_config_error_never_shows_password_and_every_form_is_masked():
    url = "https://shop-user:hunter2%40pw@x.centra.com/graphql"
    with pytest.raises(ConfigError) as error:
        Config.from_mapping({"endpoint_url": url, "api_token": TOKEN})
    assert "user name or password" in error.value.message
    for secret in ("hunter2%40pw", "hunter2@pw", "shop-user:hunter2"):
        assert secret not in error.value.message
    basic = base64.b64encode(b"shop-user:hunter2@pw").decode()
    for secret in ("hunter2%40pw", "hunter2@pw", f"Basic {basic}"):
        assert secret not in filter_secrets(f"echo {secret} echo")


def test_given_short_fragments_then_not_registered():
    # a one-letter "password" must not turn every 'a' of the output into ****
    assert "a" not in masking.forms({"endpoint_url": "https://u:a@x.centra.com", "api_token": "abc"})


def test_given_longer_and_shorter_forms_then_longest_masked_first():
    masking.register({"api_token": TOKEN})
    assert filter_secrets(f"Bearer {TOKEN}") == "****"
