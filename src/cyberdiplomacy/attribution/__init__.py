"""Technical attribution: rank known threat groups and their suspected sponsors from TTPs.

`profiles` builds `GroupProfiles` from an ATT&CK bundle or the knowledge base; `technical` ranks
groups for an `Observation`; `baselines` and `evaluate` measure it on held-out reports.
"""

from cyberdiplomacy.attribution.profiles import (
    Group,
    GroupProfiles,
    Item,
    Observation,
    Query,
    from_bundle,
    from_objects,
    from_session,
)
from cyberdiplomacy.attribution.technical import (
    Attribution,
    Candidate,
    Engine,
    Evidence,
    Parameters,
    StateLikelihood,
)

__all__ = [
    "Attribution",
    "Candidate",
    "Engine",
    "Evidence",
    "Group",
    "GroupProfiles",
    "Item",
    "Observation",
    "Parameters",
    "Query",
    "StateLikelihood",
    "from_bundle",
    "from_objects",
    "from_session",
]
