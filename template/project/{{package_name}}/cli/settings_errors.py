"""Invalid `FASTAPI_*` settings, told one line per setting instead of as a pydantic traceback.

Settings are validated when the package's `config` is imported, which is what fails. So this
module does not import the settings classes: it finds the one that refused a value by the name
pydantic gives in the error.
"""

import os
from typing import Any, get_args

from pydantic import AliasChoices, SecretBytes, SecretStr, ValidationError
from pydantic_settings import BaseSettings


def describe_invalid_settings(error: ValidationError) -> list[str]:
    """One line per refused value: the variable, its value and what the setting accepts."""
    settings_class = _settings_class(error.title)
    lines = []
    for problem in error.errors(include_url=False):
        found = _variable(settings_class, problem["loc"]) if settings_class else None
        if found is None:  # not one setting's value: another model's, or a whole class's
            where = ".".join(str(part) for part in (error.title, *problem["loc"]))
            lines.append(f"{where}: {problem['msg']}")
            continue
        variable, secret = found
        value = "(hidden, a secret)" if secret else repr(problem["input"])
        lines.append(f"{variable}={value} is not valid: {problem['msg']}")
    return lines


def _settings_class(title: str) -> type[BaseSettings] | None:
    """The settings class pydantic names in an error's title (a class's title is its name)."""
    pending = BaseSettings.__subclasses__()
    while pending:
        candidate = pending.pop()
        if candidate.__name__ == title:
            return candidate
        pending.extend(candidate.__subclasses__())
    return None


def _variable(
    settings_class: type[BaseSettings], location: tuple[int | str, ...]
) -> tuple[str, bool] | None:
    """The environment variable a field was read from, and whether its value is a secret.

    A field with several names (the original fastapi-mvc's and ours) is reported under the name
    that is set, where pydantic reports the first.
    """
    for field_name, field in settings_class.model_fields.items():
        secret = _is_secret(field.annotation)
        if location == (field_name,):
            return settings_class.model_config.get("env_prefix", "") + field_name, secret
        alias = field.validation_alias
        if isinstance(alias, AliasChoices) and location[:1] == (alias.choices[0],):
            names = [choice for choice in alias.choices if isinstance(choice, str)]
            set_names = [name for name in names if _is_set(name)]
            return (set_names or names)[0], secret
    return None


def _is_set(variable: str) -> bool:
    return variable.upper() in {name.upper() for name in os.environ}


def _is_secret(annotation: Any) -> bool:
    return annotation in (SecretStr, SecretBytes) or any(map(_is_secret, get_args(annotation)))
