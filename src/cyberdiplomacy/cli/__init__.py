"""The `cyberdiplomacy` command: thin Typer commands over the core, one module per capability."""
