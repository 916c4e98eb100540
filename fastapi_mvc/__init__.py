"""fastapi-mvc: create, extend and update production-ready FastAPI projects."""
