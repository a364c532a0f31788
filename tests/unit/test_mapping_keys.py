"""What a mapping can say, as README documents it: `where:` and `attributes:` (small files
written here in LG Inform's and DfE's layouts)."""

from __future__ import annotations

import pandas as pd
import yaml

from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.store.store import Store

from ..helpers import TODAY

TITLE = "Percentage of major planning applications decided within 13 weeks or agreed time"


def test_where_keeps_rows_matching_every_key_and_attributes_keep_area_facts(tmp_path, catalogue):
    rows = []
    for code, name, region, percent, number in (("E08000009", "Trafford", "E12000002", "91.2", "31"),
                                                ("E08000007", "Stockport", "E12000002", "88.0", "22")):
        rows += [[code, name, "2024/25 Q1", TITLE, "Percentage", "%", percent, region, "North West"],
                 [code, name, "2024/25 Q1", TITLE, "Number", "count", number, region, "North West"],
                 [code, name, "2024/25 Q1", "Another indicator", "Percentage", "%", "12.5", region, "North West"]]
    path = tmp_path / "lginform.csv"
    pd.DataFrame(rows, columns=["Area Code", "Area Name", "Period", "Indicator", "Measure", "Unit", "Value", "Region Code",
                                "Region Name"]).to_csv(path, index=False)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump({
        "name": "LG Inform test", "layout": "lginform", "period": ["period"], "area": {"code": ["area_code"], "name": ["area_name"]},
        "attributes": {"region": ["region_code"], "region_name": ["region_name"]},
        "indicators": [{"code": "PLAN_MAJOR_13WK", "value": ["value"], "where": {"indicator": TITLE, "measure": "Percentage"}}],
    }))
    store = tmp_path / "s.duckdb"
    ingest([path], store, catalogue, today=TODAY, mapping=load_mapping(mapping))
    with Store(store, read_only=True) as db:
        obs = db.observations(["PLAN_MAJOR_13WK"])
        facts = db.area_attributes()
    assert dict(zip(obs["area_code"], obs["value"])) == {"E08000009": 91.2, "E08000007": 88.0}  # not the Number rows
    trafford = facts[facts["area_code"] == "E08000009"]
    assert dict(zip(trafford["key"], trafford["value"])) == {"code": "E08000009", "region": "E12000002", "region_name": "North West",
                                                             "region_source": "lookup"}  # region: read as Geography says
