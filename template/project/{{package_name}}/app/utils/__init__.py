"""Helpers shared by controllers, such as the clients the application's lifespan opens."""
