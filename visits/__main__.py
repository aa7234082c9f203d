"""`python -m visits`: the same as the `visits` command."""

from visits.cli import main

main()
