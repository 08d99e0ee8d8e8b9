"""Use cases of technical attribution: rank groups with the engine the viewer may use.

An engine is built from the group profiles the viewer can read, so it is cached per database,
data version (the latest import of any kind and the latest curated change) and clearance: two
viewers share an engine only when they see the same records.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from cyberdiplomacy.attribution.profiles import Observation, from_session
from cyberdiplomacy.attribution.technical import Attribution, Engine
from cyberdiplomacy.errors import NoAttackData
from cyberdiplomacy.knowledge.access import Reader
from cyberdiplomacy.knowledge.versions import last_change, last_import

CACHED = 8  # engines kept; each holds one clearance's profiles
_engines: OrderedDict[tuple[str, int | None, int | None, str], Engine] = OrderedDict()
_lock = threading.Lock()


def engine(reader: Reader) -> Engine:
    """The ranking engine over the profiles `reader` may read; `NoAttackData` before an import."""
    session = reader.session
    if last_import(session, "attack:") is None:
        raise NoAttackData()
    version = (last_import(session, ""), last_change(session))
    key = (str(session.get_bind().engine.url), *version, reader.viewer.clearance)
    with _lock:
        if key in _engines:
            _engines.move_to_end(key)
            return _engines[key]
    built = Engine(from_session(session))
    with _lock:
        _engines[key] = built
        while len(_engines) > CACHED:
            _engines.popitem(last=False)
    return built


def attribute(reader: Reader, observation: Observation, top: int = 10) -> Attribution:
    """Rank threat groups and their sponsor states for what was observed."""
    return engine(reader).attribute(observation, top)
