"""`python -m fastapi_mvc`."""

from fastapi_mvc.cli import main

main()
