"""The embedded local runtime: the same system on moto, with the real handlers."""
