"""Writes to leads; import from the submodules."""
