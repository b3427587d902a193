"""A synthetic trade world with known truth, to demonstrate and measure dibwatch.

:func:`generate_world` writes, for a seed, byte-identical files: shipments in the canonical
schema (Parquet, streamed in row groups), the per-line scheme truth, the ground truth of
every spelling used (one row per spelling, mapping to exactly one firm), the firms table, a
fictional sanctions list in the trade.gov CSL CSV layout naming some of the world's Russian
end users and facilitators, and ``world.json`` with the parameters and counts. All names are
coined from syllable tables; no scoring code may read the truth files.
"""

from dibwatch.synth.params import DECOYS, INVASION, SCHEMES, WorldParams
from dibwatch.synth.shipments import SHIPMENT_SCHEMA
from dibwatch.synth.world import FILE_NAMES, WorldFiles, generate_world

__all__ = ["DECOYS", "FILE_NAMES", "INVASION", "SCHEMES", "SHIPMENT_SCHEMA", "WorldFiles",
           "WorldParams", "generate_world"]
