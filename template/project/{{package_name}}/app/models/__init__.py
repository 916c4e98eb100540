"""Models: the application's domain and persistence classes (`fastapi-mvc generate model`)."""
