"""metadata.yaml, Dockerfile, pyproject.toml and spec agree with each other.

metadata.yaml is parsed with airbyte-cdk's own model (`airbyte_cdk.models.connector_metadata.
MetadataFile`, the one `airbyte-cdk image build` and the standard docker tests read).
"""

import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from airbyte_cdk.models.connector_metadata import ConnectorLanguage, MetadataFile

ROOT = Path(__file__).resolve().parents[1]
BASE_IMAGE_RE = re.compile(
    r"^docker\.io/airbyte/python-connector-base:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$"
)


def _pyproject() -> dict:
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        version = re.search(r'(?m)^version\s*=\s*"([^"]+)"', text).group(1)
        scripts = dict(re.findall(r'(?m)^([\w-]+)\s*=\s*"([\w.]+:\w+)"', text))
        return {"project": {"version": version, "scripts": scripts}}
    return tomllib.loads(text)


def _dockerfile() -> str:
    # Join continuation lines so LABEL/ENV instructions spread over several lines read as one.
    return re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def metadata() -> MetadataFile:
    return MetadataFile.from_file(ROOT / "metadata.yaml")


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((ROOT / "metadata.yaml").read_text())


def test_parses_with_cdk_model(metadata, raw):
    assert raw["metadataSpecVersion"] == "1.0"
    assert metadata.data.language == ConnectorLanguage.PYTHON
    assert set(metadata.data.tags) >= {"language:python", "cdk:python"}


def test_identity(metadata, raw):
    data = raw["data"]
    assert metadata.data.dockerRepository == "airbyte/source-centra"
    assert data["connectorType"] == "source"
    assert data["connectorSubtype"] == "api"
    assert data["name"] == "Centra"
    assert data["githubIssueLabel"] == "source-centra"
    assert data["supportLevel"] == "community"
    assert data["license"] == "MIT"
    assert uuid.UUID(data["definitionId"]).version == 4
    assert str(uuid.UUID(data["definitionId"])) == data["definitionId"]  # canonical lower-case form


def test_image_tag_is_package_version(metadata):
    assert metadata.data.dockerImageTag == _pyproject()["project"]["version"]


def test_base_image_matches_dockerfile_default(metadata):
    base = metadata.data.connectorBuildOptions.baseImage
    assert BASE_IMAGE_RE.match(base), base
    defaults = re.findall(r"(?m)^ARG BASE_IMAGE=(\S+)\s*$", _dockerfile())
    assert defaults == [base]
    assert re.search(r"(?m)^FROM \$\{BASE_IMAGE\}\s*$", _dockerfile())


def test_dockerfile_labels_and_entrypoint(metadata):
    dockerfile = _dockerfile()
    assert re.search(rf"io\.airbyte\.name={re.escape(metadata.data.dockerRepository)}(\s|$)", dockerfile)
    assert re.search(rf"io\.airbyte\.version={re.escape(metadata.data.dockerImageTag)}(\s|$)", dockerfile)
    entrypoint = re.search(r'(?m)^ENV AIRBYTE_ENTRYPOINT="([^"]+)"', dockerfile).group(1)
    assert entrypoint in _pyproject()["project"]["scripts"]
    assert re.search(rf'(?m)^ENTRYPOINT \["{re.escape(entrypoint)}"\]', dockerfile)
    users = re.findall(r"(?m)^USER (\S+)", dockerfile)
    assert users and users[-1] not in ("root", "0"), "the image must end as a non-root user"
    # The classic builder and air-gapped builds: no syntax directive, no heredocs.
    assert not re.search(r"(?m)^#\s*syntax=", dockerfile)
    assert "<<" not in dockerfile


def test_icon_is_svg(raw):
    icon = ROOT / raw["data"]["icon"]
    assert icon.is_file()
    assert ET.parse(icon).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_allowed_hosts_refer_to_spec_properties(raw):
    spec_path = ROOT / "source_centra" / "spec.yaml"
    if not spec_path.exists():
        pytest.skip("source_centra/spec.yaml not written yet")
    spec = yaml.safe_load(spec_path.read_text())
    properties = spec["connectionSpecification"]["properties"]
    hosts = raw["data"]["allowedHosts"]["hosts"]
    assert "*.centra.com" in hosts
    for name in re.findall(r"\$\{([^}]+)\}", " ".join(hosts)):
        assert name in properties, f"allowedHosts uses ${{{name}}}, which the spec does not define"
    assert spec["documentationUrl"] == raw["data"]["documentationUrl"]


def test_registry_and_test_suites(raw):
    data = raw["data"]
    assert data["registryOverrides"]["oss"]["enabled"] is True
    assert data["registryOverrides"]["cloud"]["enabled"] is False
    assert data["remoteRegistries"]["pypi"]["enabled"] is False
    assert {s["suite"] for s in data["connectorTestSuitesOptions"]} >= {"unitTests"}
    assert {"ql", "sl"} <= set(data["ab_internal"])
    assert isinstance(data["maxSecondsBetweenMessages"], int) and data["maxSecondsBetweenMessages"] > 0


def test_suggested_streams_are_streams_of_the_connector(metadata, raw):
    from source_centra.streams import STREAMS_BY_NAME

    suggested = raw["data"]["suggestedStreams"]["streams"]
    assert suggested == ["order_items", "return_items", "orders"]
    assert set(suggested) <= set(STREAMS_BY_NAME)
    assert metadata.data.suggestedStreams.streams == suggested
