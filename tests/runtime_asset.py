"""Load the auth runtime the way Lambda does: as the top-level package ``runtime``.

The asset root is ``src/cognito_api_construct``; the deployed handler string is
``runtime.handler.handler``. Tests that import the runtime this way exercise the
asset exactly as deployed (relative imports, nothing from the construct side) and
never load aws_cdk through the package's ``__init__``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: The Lambda asset's root: the function imports ``runtime.handler`` from here.
ASSET_ROOT = Path(__file__).resolve().parents[1] / "src" / "cognito_api_construct"


def import_runtime_as_deployed() -> None:
    """Register the runtime package under the name Lambda imports it by, once."""
    package = ASSET_ROOT / "runtime"
    loaded = sys.modules.get("runtime")
    if loaded is not None:
        assert list(getattr(loaded, "__path__", [])) == [str(package)], loaded
        return
    spec = importlib.util.spec_from_file_location(
        "runtime", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["runtime"] = module
    spec.loader.exec_module(module)
