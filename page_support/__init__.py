"""Support for the page scripts: what every page in ``views/`` leans on but does not draw.

The package ``dermadash`` never imports Streamlit; this one is the Streamlit side of that
line: the engine as a cached resource (``database``), the owner guard and its sign-in
form (``owner_guard``), the reads cached per (profile, data revision) (``reads``) and the
in-page links (``quick_links``). Not a page folder: ``st.navigation`` is given files in
``views/`` only, so nothing here can be opened as a page, and the name says its job.
"""
