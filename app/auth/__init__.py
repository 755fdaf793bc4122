"""Authentication (passwords, API tokens, sessions) and the role policy."""
