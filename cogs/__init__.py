"""discord.py command cogs: thin wrappers that parse options, call the core and render.

The Discord adapter lands with its own issue; this package exists so the layout is stable.
"""
