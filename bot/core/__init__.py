"""The platform-neutral core: commands in, cards out."""
