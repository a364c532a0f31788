"""The Word writer's parts (python-docx), used by :mod:`perfkit.render.docx`, which walks a
paper's blocks: ``document`` (the document: properties, styles, pages, footers, text and
charts), ``tables`` (tables whose rows never split and whose header rows repeat) and
``ooxml`` (the WordprocessingML python-docx has no call for: fields, shading, row
properties)."""
