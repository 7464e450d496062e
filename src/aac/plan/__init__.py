"""Planning: the plan as data, and how one is made.

    model.py     Plan, Change, Action, Cost: what apply will do, saved and rendered from one object
    diff.py      the pure diff of desired against live state, kind by kind (aac.kinds)
    compare.py   one object's changed fields, through its kind's alignment and the aac-spec tag
    files.py     uploads and vector-store attachments, diffed by content
    uploads.py   which uploads stay: in use by someone else, named by id, shared
    make.py      load, hash, read live state and diff: the one way a command gets a plan
"""
