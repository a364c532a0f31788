"""Display blocks: what a paper says as data (:mod:`~perfkit.blocks.model`), laid out the same
way in every format (:mod:`~perfkit.blocks.layout`), as HTML and typst."""
