"""The front door: the ``visits`` command and the planning it orchestrates.

Nothing below imports it. ``planning`` runs compile -> solve -> calendar
schedule -> outputs, ``jobs`` and ``compare`` run many plans for what-if,
``screens`` prints, ``cli/`` declares the commands.
"""
