"""dermadash's own server layer, around Streamlit's: middleware, HTTP routes, sign-in brakes.

Plain ASGI and Starlette, no Streamlit. ``app.py`` hands ``middleware.MIDDLEWARE`` and
``routes.ROUTES`` (add a route there, one line) to ``st.App``, so ``make run``,
``streamlit run app.py`` and ``uvicorn app:app`` all serve the same app.
"""
