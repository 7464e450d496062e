"""`aac drift`: what changed on the target outside aac, and its reports.

    model.py     DriftReport, DriftItem, Category: the report as data
    scan.py      the pure scan of desired, hashes and live state, kind by kind (aac.kinds)
    files.py     a vector store's files, judged by their traces
    blocks.py    one item's lines, shared by the renderers
    text.py, markdown.py, junit.py    the report's formats
"""
