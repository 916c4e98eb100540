"""The project template that `fastapi-mvc new` renders: data, not code."""
