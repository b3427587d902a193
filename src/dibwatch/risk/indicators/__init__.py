"""The red-flag indicators, one module each, in the order they run (``shared_address`` last:
it is triggered by the others' flags)."""

from __future__ import annotations

from dibwatch.risk.indicators.base import Indicator, LineIndicator, RunContext
from dibwatch.risk.indicators.chain_mismatch import ChainMismatch
from dibwatch.risk.indicators.chpl_exposure import ChplExposure
from dibwatch.risk.indicators.coalition_brand_third_country import CoalitionBrandThirdCountry
from dibwatch.risk.indicators.contract_holder_mismatch import ContractHolderMismatch
from dibwatch.risk.indicators.forwarder_consignee import ForwarderConsignee
from dibwatch.risk.indicators.hs_mismatch import HsMismatch
from dibwatch.risk.indicators.hub_routing import HubRouting
from dibwatch.risk.indicators.listed_counterparty import ListedCounterparty
from dibwatch.risk.indicators.listed_party import ListedParty
from dibwatch.risk.indicators.many_new_suppliers import ManyNewSuppliers
from dibwatch.risk.indicators.mirror_gap import MirrorGap
from dibwatch.risk.indicators.network_proximity import NetworkProximity
from dibwatch.risk.indicators.new_entrant import NewEntrant
from dibwatch.risk.indicators.price_anomaly import PriceAnomaly
from dibwatch.risk.indicators.ramp_up import RampUp
from dibwatch.risk.indicators.shared_address import SharedAddress

INDICATORS: tuple[type[Indicator], ...] = (
    ChplExposure, ListedParty, ListedCounterparty, NetworkProximity, NewEntrant, RampUp,
    ManyNewSuppliers, HubRouting, ChainMismatch, CoalitionBrandThirdCountry,
    ForwarderConsignee, MirrorGap, PriceAnomaly, HsMismatch, ContractHolderMismatch, SharedAddress,
)

__all__ = [
    "INDICATORS",
    "ChainMismatch",
    "ChplExposure",
    "CoalitionBrandThirdCountry",
    "ContractHolderMismatch",
    "ForwarderConsignee",
    "HsMismatch",
    "HubRouting",
    "Indicator",
    "LineIndicator",
    "ListedCounterparty",
    "ListedParty",
    "ManyNewSuppliers",
    "MirrorGap",
    "NetworkProximity",
    "NewEntrant",
    "PriceAnomaly",
    "RampUp",
    "RunContext",
    "SharedAddress",
]
