"""The pages' database engine: one cached resource per database URL, brought up to date
on first use, and the page shown while the database does not answer."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dermadash.settings import database_url
from dermadash.storage import db

DATABASE_RETRY_SECONDS = 3


@st.cache_resource(show_spinner=False)
def cached_engine(url: str) -> Engine:
    """The engine of ``url``, migrated once per process (every cached read keys on it)."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    """The database engine, brought up to date on first use; stops the page if it cannot."""
    try:
        return cached_engine(database_url())
    except db.DatabaseUnavailable as problem:
        st.error(str(problem))
        st.stop()


def show_database_unreachable() -> None:
    """The plain answer while the database is down; the page reruns once it answers."""
    st.error(db.UNREACHABLE_MESSAGE, icon=":material/cloud_off:")
    st.button("Try again", key="database_try_again", type="primary")
    _rerun_when_database_answers()


@st.fragment(run_every=DATABASE_RETRY_SECONDS)
def _rerun_when_database_answers() -> None:
    try:
        answering = db.answers(cached_engine(database_url()))
    except db.DatabaseUnavailable:
        answering = False
    if answering:
        st.rerun(scope="app")
