"""A reviewed snapshot of the example's template: any change to what users deploy shows up here.

Update it on purpose with `pytest tests/example --snapshot-update` and review the diff.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

pytestmark = pytest.mark.slow

# Asset hashes (S3 keys, asset paths) change whenever a byte of a Lambda's code does.
ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def normalised(template: dict[str, Any]) -> dict[str, Any]:
    text = ASSET_HASH.sub("<asset-hash>", json.dumps(template))
    stable = json.loads(text)
    # Version-reporting metadata changes with every aws-cdk-lib release.
    stable["Resources"].pop("CDKMetadata", None)
    stable.get("Conditions", {}).pop("CDKMetadataAvailable", None)
    if not stable.get("Conditions"):
        stable.pop("Conditions", None)
    return stable


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_template_matches_the_reviewed_snapshot(synthesized_app, snapshot_json):
    # when
    template = normalised(synthesized_app.template)

    # then
    assert "<asset-hash>" in json.dumps(template)
    assert template == snapshot_json
