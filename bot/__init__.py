"""filmbot: answers about films and their home-video editions.

For Discord, Matrix and the terminal, from one platform-neutral core.
"""

__version__ = "0.1.0"
