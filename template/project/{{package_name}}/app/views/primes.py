"""The answer of the primes example (app/controllers/primes.py)."""

from pydantic import BaseModel, Field


class PrimeCount(BaseModel):
    """How many primes are below a limit."""

    limit: int = Field(description="The numbers counted are below this one.", examples=[15000])
    count: int = Field(description="How many of them are prime.", examples=[1754])
