"""``python -m cognito_api_construct.local``: the same as the ``cognito-api-local`` command."""

import sys

from .cli import main

sys.exit(main())
