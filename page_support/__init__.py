"""What the page scripts in ``views/`` lean on: Streamlit-side support, not pages.

The package ``dermadash`` never imports Streamlit; what needs Streamlit and is not a page
lives here: the engine as a cached resource (``database``), the owner guard and its sign-in
form (``owner_guard``), the reads cached per (profile, data revision) (``reads``) and the
in-page links (``quick_links``). Not a page folder: ``st.navigation`` is given files in
``views/`` only, so nothing here can be opened as a page, and the name says its job.

The ``*_parts.py`` drawing pieces stay in ``views/``, beside the one or two pages that place
each: they draw a page's content, where this package draws only what comes before it (the
sign-in, the database-down notice) and the links every main page shares.
"""
