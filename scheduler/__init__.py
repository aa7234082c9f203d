"""visits: visit scheduling and logistics for city agencies hosting delegations."""

__version__ = "0.1.0"
