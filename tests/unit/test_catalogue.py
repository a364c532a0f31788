import shutil

import pytest
import yaml

from perfkit.config.catalogue import Aggregation, Polarity, Unit, load_catalogue
from perfkit.errors import ConfigError
from perfkit.periods import parse_period

from ..helpers import PARAMS, apply_changes


def test_demo_catalogue_loads(catalogue):
    assert len(catalogue) >= 40
    ind = catalogue["HSG_RENT"]
    assert ind.unit is Unit.PERCENT and ind.polarity is Polarity.HIGHER
    assert ind.aggregation is Aggregation.LATEST and ind.cumulative
    target = ind.target_for(parse_period("2025-11"))  # falls back to the financial year's target
    assert (target.value, target.tolerance) == (97.5, 1.0)
    assert catalogue["CS_CLA_RATE"].target_for(parse_period("2025/26 Q1")) is None
    frame = catalogue.to_frame()
    assert frame.loc[frame.indicator == "CS_CLA_RATE", "multiplier"].item() == 10_000


@pytest.fixture()
def params(tmp_path):
    shutil.copytree(PARAMS, tmp_path / "params")
    return tmp_path / "params"


def _edit(params, code, **changes):
    """Change (or with value None, delete) keys of one indicator in its YAML file."""
    for path in (params / "indicators").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        for entry in data["indicators"]:
            if entry["code"] == code:
                apply_changes(entry, changes)
                path.write_text(yaml.safe_dump(data, sort_keys=False))
                return path
    raise AssertionError(code)


@pytest.mark.parametrize(
    "changes, fragments",
    [
        ({"polarity": "upwards"}, ["HSG_RENT", "'polarity'", "upwards", "higher"]),
        ({"unit": None}, ["HSG_RENT", "'unit'", "Field required"]),
        ({"unit": "furlongs"}, ["HSG_RENT", "'unit'", "furlongs"]),
        ({"frequency": "fortnightly"}, ["HSG_RENT", "'frequency'", "monthly, quarterly, annual"]),
        ({"targets": {"2025/27": 97}}, ["HSG_RENT", "targets", "2025/27"]),
        ({"targets": {"2031/32": 97}}, ["HSG_RENT", "targets.2031/32", "outside the calendar"]),
        ({"targets": {"2025/26 Q1": 97}}, ["HSG_RENT", "targets", "quarter", "monthly"]),
        ({"comparator_group": "nowhere"}, ["HSG_RENT", "comparator_group", "nowhere", "demo_neighbours"]),
        ({"colour": "blue"}, ["HSG_RENT", "'colour'", "Extra inputs"]),
        ({"aggregation": "rate", "cumulative": True}, ["HSG_RENT", "cumulative"]),
    ],
)
def test_bad_indicator_names_file_indicator_and_key(params, changes, fragments):
    path = _edit(params, "HSG_RENT", **changes)
    with pytest.raises(ConfigError) as info:
        load_catalogue(params)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message


def test_duplicate_code_names_both_files(params):
    extra = params / "indicators" / "zz_extra.yaml"
    housing = yaml.safe_load((params / "indicators" / "housing.yaml").read_text())
    extra.write_text(yaml.safe_dump({"indicators": housing["indicators"][:1]}))
    with pytest.raises(ConfigError) as info:
        load_catalogue(params)
    assert "zz_extra.yaml" in str(info.value) and "duplicate" in str(info.value) and "housing.yaml" in str(info.value)


def test_neutral_indicator_cannot_have_a_target(params):
    _edit(params, "CS_CLA_RATE", targets={"2025/26": 70})
    with pytest.raises(ConfigError, match="no polarity cannot have a target"):
        load_catalogue(params)


def test_missing_indicator_folder_is_explained(tmp_path):
    with pytest.raises(ConfigError, match="no indicator files"):
        load_catalogue(tmp_path)


def test_broken_yaml_names_the_file(params):
    (params / "indicators" / "housing.yaml").write_text("indicators: [\n  - code: X\n")
    with pytest.raises(ConfigError, match="housing.yaml"):
        load_catalogue(params)


def test_council_colour_must_be_readable(params):
    from perfkit.config.council import load_council

    from ..helpers import edit_yaml

    assert load_council(params).colour == "#0b5394"
    edit_yaml(params / "council.yaml", colour="#ffbf47")
    with pytest.raises(ConfigError, match="council.yaml.*'colour'.*4.5:1"):
        load_council(params)


def test_value_for_money_outcome_must_be_a_known_indicator_of_a_cost(params):
    _edit(params, "RES_BEN_COST", outcome="NOPE")
    with pytest.raises(ConfigError, match="RES_BEN_COST: key 'outcome': unknown indicator 'NOPE'"):
        load_catalogue(params)
    _edit(params, "RES_BEN_COST", outcome="RES_HB_NEW_DAYS")
    _edit(params, "HSG_TA", outcome="HSG_RENT")
    with pytest.raises(ConfigError, match="HSG_TA: key 'outcome': only a cost"):
        load_catalogue(params)
