"""`python -m fastapi_mvc`."""

from fastapi_mvc.cli import main

if __name__ == "__main__":
    main()
