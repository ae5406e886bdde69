"""The synth benchmark compares like with like: the hand-written app builds the example.

``benchmarks/synth.py`` times ``examples/gpt_app`` (built with ``CognitoApi``) against
``benchmarks/handwritten_app.py`` (the same app with aws-cdk-lib alone). The ratio means
something only while both synthesize the same template, so this gate compares them:
resources by type, the property keys each type uses, the models' schemas, the stage's
method settings (the throttles), the methods' declared responses and the Lambda assets.
Logical ids and free text (descriptions) may differ; nothing else does, unless
:data:`ALLOWED_DIFFERENCES` says why.

When the construct grows (a route, a model, a property), this fails until
``benchmarks/handwritten_app.py`` builds the same thing by hand.

The example's synthesis is the template gates' (``synthesized``, once per session, with
``-c nag=true``, which adds no resource); the hand-written app is synthesized once here.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cognito_api_construct.local import synth as local_synth

from .conftest import ROOT

pytestmark = pytest.mark.slow

EXAMPLE = "examples/gpt_app"
HANDWRITTEN_DIR = ROOT / "benchmarks"
HANDWRITTEN_SCRIPT = "handwritten_app.py"

#: Deliberate differences between the two templates, each with its reason. A key is a
#: resource type (its count may differ) or ``"<type>.<property>"`` (one side may use
#: that property key). Keep it small: each entry is work the benchmark does not compare.
#: None today: the hand-written app builds every resource and property the example does.
ALLOWED_DIFFERENCES: dict[str, str] = {}

Template = dict[str, Any]


def _stack_template(out_dir: Path) -> Template:
    """The one stack template of a cloud assembly."""
    manifest = json.loads((out_dir / "manifest.json").read_text())
    files = [
        artifact["properties"]["templateFile"]
        for artifact in manifest["artifacts"].values()
        if artifact["type"] == "aws:cloudformation:stack"
    ]
    assert len(files) == 1, files
    template: Template = json.loads((out_dir / files[0]).read_text())
    return template


@pytest.fixture(scope="module")
def templates(
    synthesized: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Template]:
    """Both apps' templates: ``"example"`` and ``"handwritten"``."""
    example = synthesized[EXAMPLE]
    assert example.ok, example.output
    out_dir = local_synth.synthesize(
        f"{shlex.quote(sys.executable)} {HANDWRITTEN_SCRIPT}",
        HANDWRITTEN_DIR,
        tmp_path_factory.mktemp("handwritten"),
    )
    return {"example": _stack_template(example.out_dir), "handwritten": _stack_template(out_dir)}


def _resources(template: Template, resource_type: str | None = None) -> list[Template]:
    return [
        resource
        for resource in template["Resources"].values()
        if resource_type is None or resource["Type"] == resource_type
    ]


def _counts(template: Template) -> Counter[str]:
    return Counter(resource["Type"] for resource in _resources(template))


def _property_keys(template: Template) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for resource in _resources(template):
        keys.setdefault(resource["Type"], set()).update(resource.get("Properties", {}))
    return keys


def _differing_counts(templates: dict[str, Template]) -> set[str]:
    example, handwritten = _counts(templates["example"]), _counts(templates["handwritten"])
    return {kind for kind in example | handwritten if example[kind] != handwritten[kind]}


def _differing_keys(templates: dict[str, Template]) -> set[str]:
    example = _property_keys(templates["example"])
    handwritten = _property_keys(templates["handwritten"])
    return {
        f"{kind}.{key}"
        for kind in example.keys() & handwritten.keys()
        for key in example[kind] ^ handwritten[kind]
    }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def test_resource_counts_by_type_match(templates: dict[str, Template]) -> None:
    # given both apps' templates
    # when their resources are counted by type
    example, handwritten = _counts(templates["example"]), _counts(templates["handwritten"])

    # then the counts agree, but for the allowed differences
    allowed = set(ALLOWED_DIFFERENCES)
    assert {k: v for k, v in example.items() if k not in allowed} == {
        k: v for k, v in handwritten.items() if k not in allowed
    }


def test_each_resource_type_uses_the_same_property_keys(templates: dict[str, Template]) -> None:
    # given both apps' templates
    # when the property keys each resource type uses are compared
    differing = _differing_keys(templates)

    # then both use the same ones, but for the allowed differences
    assert differing - set(ALLOWED_DIFFERENCES) == set()


def test_every_allowed_difference_gives_its_reason() -> None:
    # given the allow-list
    # then each entry says why the two apps may differ there
    for key, reason in ALLOWED_DIFFERENCES.items():
        assert len(reason.strip()) >= 20, f"{key}: say why the benchmark may differ here"


def test_no_allowed_difference_is_stale(templates: dict[str, Template]) -> None:
    # given the differences the templates really have
    differing = _differing_counts(templates) | _differing_keys(templates)

    # then the allow-list names none that is gone (it would hide a future difference)
    assert set(ALLOWED_DIFFERENCES) - differing == set()


def test_models_have_the_same_schemas(templates: dict[str, Template]) -> None:
    # given each app's API Gateway models
    # when their schemas are compared as a multiset
    schemas = {
        app: Counter(
            _canonical(model["Properties"]["Schema"])
            for model in _resources(template, "AWS::ApiGateway::Model")
        )
        for app, template in templates.items()
    }

    # then the hand-written app declares exactly the example's models
    assert schemas["handwritten"] == schemas["example"]


def test_stage_method_settings_match(templates: dict[str, Template]) -> None:
    # given each app's stage (its throttles: the stage's, each auth method's, /gpt's)
    settings = {
        app: sorted(
            _canonical(setting)
            for stage in _resources(template, "AWS::ApiGateway::Stage")
            for setting in stage["Properties"].get("MethodSettings", [])
        )
        for app, template in templates.items()
    }

    # then they are the same settings
    assert settings["handwritten"] == settings["example"]


def test_methods_declare_the_same_responses(templates: dict[str, Template]) -> None:
    # given each app's methods, by verb, authorization, body model and declared answers
    def shape(method: Template) -> str:
        properties = method["Properties"]
        return _canonical(
            {
                "method": properties["HttpMethod"],
                "authorization": properties.get("AuthorizationType"),
                "request_models": sorted(properties.get("RequestModels", {})),
                "responses": [
                    {
                        "status": response["StatusCode"],
                        "models": sorted(response.get("ResponseModels", {})),
                        "parameters": response.get("ResponseParameters", {}),
                    }
                    for response in properties.get("MethodResponses", [])
                ],
            }
        )

    shapes = {
        app: Counter(shape(m) for m in _resources(template, "AWS::ApiGateway::Method"))
        for app, template in templates.items()
    }

    # then the methods are alike
    assert shapes["handwritten"] == shapes["example"]


def test_lambda_functions_package_the_same_assets(templates: dict[str, Template]) -> None:
    # given each app's Lambda functions
    # when their code assets are compared (the asset hash is the S3 key)
    assets = {
        app: Counter(
            _canonical(function["Properties"]["Code"])
            for function in _resources(template, "AWS::Lambda::Function")
        )
        for app, template in templates.items()
    }

    # then both stage the same files (the same source folders and excludes)
    assert assets["handwritten"] == assets["example"]
