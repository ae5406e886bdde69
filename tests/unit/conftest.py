"""Unit tests of the runtime's pure logic; the runtime is imported as Lambda imports it."""

from __future__ import annotations

from runtime_asset import import_runtime_as_deployed

import_runtime_as_deployed()
