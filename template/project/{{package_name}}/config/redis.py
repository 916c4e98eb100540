"""Where and how to reach Redis: each setting read from `FASTAPI_REDIS_<NAME>`, with a default."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class RedisSettings(BaseSettings):
    """Settings of the Redis client (whether it is used at all is FASTAPI_USE_REDIS)."""

    model_config = SettingsConfigDict(env_prefix="FASTAPI_REDIS_")

    HOST: str = Field(default="127.0.0.1", description="Redis host, or the Sentinels' host.")
    PORT: int = Field(default=6379, ge=1, le=65535, description="Redis or Sentinel port.")
    DB: int = Field(default=0, ge=0, description="Database number.")
    USERNAME: str | None = Field(default=None, description="ACL user name, if any.")
    PASSWORD: SecretStr | None = Field(default=None, description="Password, if any.")
    TIMEOUT: float = Field(
        default=1.0,
        gt=0,
        description="Seconds to connect, and for each command, before giving up.",
    )
    RETRIES: int = Field(
        default=0, ge=0, description="Retries of a command after a connection error or timeout."
    )
    USE_SENTINEL: bool = Field(
        default=False, description="HOST:PORT is a Redis Sentinel that names the master."
    )
    SENTINEL_MASTER: str = Field(
        default="mymaster", description="The master's name known to the Sentinels."
    )
