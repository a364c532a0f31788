"""Report building blocks and the papers built from them (display objects for notebooks)."""

from perfkit.report.area import AreaProfile
from perfkit.report.blocks import Block, Blocks, Chart, Table
from perfkit.report.overview import CorporateOverview
from perfkit.report.paper import DirectoratePaper
from perfkit.report.profile import IndicatorProfile

__all__ = ["AreaProfile", "Block", "Blocks", "Chart", "CorporateOverview", "DirectoratePaper", "IndicatorProfile", "Table"]
