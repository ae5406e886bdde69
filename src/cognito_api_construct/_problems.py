"""Problems found in the props or a route, collected and raised once.

Every check adds to a :class:`Problems` list instead of stopping at the first, so a
user sees everything to fix in one synthesis; :class:`CognitoApiPropsError` names the
construct's path and each problem. Shared by every module that checks something.
"""

from __future__ import annotations

from collections.abc import Sequence


class CognitoApiPropsError(ValueError):
    """Props or a route that cannot work; the message lists every problem and its fix.

    Attributes:
        path: The construct path of the ``CognitoApi`` that raised it.
        problems: One message per problem.
    """

    def __init__(self, path: str, problems: Sequence[str]) -> None:
        """Build the one message of every problem."""
        self.path = path
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            text = f"CognitoApi at {path}: {self.problems[0]}"
        else:
            listed = "\n".join(f"  - {problem}" for problem in self.problems)
            text = f"CognitoApi at {path}: {len(self.problems)} problems:\n{listed}"
        super().__init__(text)


class Problems:
    """The problems found so far; :meth:`raise_if_any` raises them all at once."""

    def __init__(self) -> None:
        """Start with none."""
        self.messages: list[str] = []

    def add(self, prop: str, value: object, allowed: str, fix: str) -> None:
        """Record that ``prop`` has a value that is not allowed, and the fix."""
        self.messages.append(f"{prop}={value!r} is invalid: {allowed}. {fix}")

    def note(self, message: str) -> None:
        """Record a problem already written as a whole sentence."""
        self.messages.append(message)

    def raise_if_any(self, path: str) -> None:
        """Raise :class:`CognitoApiPropsError` with every problem, if there is one."""
        if self.messages:
            raise CognitoApiPropsError(path, self.messages)
