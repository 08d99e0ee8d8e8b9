"""The workbench's web face: a REST API under /api/v1 and server-rendered pages."""
