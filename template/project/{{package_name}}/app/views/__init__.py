"""Views: the response schemas the API answers with, including the error envelope."""
