from pathlib import Path

from sqlalchemy import Engine

from cyberdiplomacy.knowledge import queries
from cyberdiplomacy.knowledge.database import transaction
from cyberdiplomacy.sources import bundled


def test_bundled_and_attack_import(engine: Engine, attack_bundle: Path) -> None:
    bundled.initialise(engine)
    with transaction(engine) as session:
        bundled.import_attack(session, attack_bundle)
    with transaction(engine) as session:
        assert queries.actor(session, "Fancy Bear").attack_id == "G0007"
