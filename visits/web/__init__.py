"""The coordinator's web app (`visits serve`): FastAPI, Jinja2, local JS."""
