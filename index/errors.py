"""The one exception type users see: its message is a single line that says how to fix it."""


class AssistantError(Exception):
    """A problem the user can fix; str(err) is one line that says how."""
