"""Charts as pure functions: a data frame in, a plotly Figure or pydeck Deck out (testable without Streamlit)."""
