"""An analyst's own notebook as a paper in the house style (``perfkit render``).

``front`` (the front matter: title, author, committee, date, status, summary), ``markdown``
(markdown cells as prose blocks), ``outputs`` (a code cell's outputs as tables and charts),
``convert`` (the whole notebook as blocks, with the render's checks), ``figures`` (an IPython
extension: matplotlib figures as SVG with their title as alt text), ``run`` (execute, render
and write ``outputs/analysis/<slug>/``), ``new`` (a new analysis notebook, front matter filled in).
"""
