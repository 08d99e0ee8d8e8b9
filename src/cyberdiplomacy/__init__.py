"""Cyber Diplomacy Workbench: from a cyber incident to a coordinated diplomatic response."""

from cyberdiplomacy.errors import CyberDiplomacyError

__version__ = "0.1.0"
__all__ = ["CyberDiplomacyError", "__version__"]
