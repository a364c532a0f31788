"""English local authorities shipped with perfkit: codes over time, recodings, successors,
tier and region (:mod:`perfkit.geography.lookup`), derived from DfE's register by
``python -m perfkit.geography.derive PATH`` (:mod:`perfkit.geography.derive`)."""

from perfkit.geography.lookup import (
    INNER_OUTER_LONDON,
    LONDON,
    Authority,
    authorities,
    authority,
    current_code,
    dfe_code,
    is_joint,
    joint_members,
    joint_message,
    region_codes,
    region_name,
    resolve_region,
    source,
)

__all__ = [
    "INNER_OUTER_LONDON", "LONDON", "Authority", "authorities", "authority", "current_code", "dfe_code", "is_joint", "joint_members",
    "joint_message", "region_codes", "region_name", "resolve_region", "source",
]
