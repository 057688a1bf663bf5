"""What the dashboard shows, without Streamlit: its model, charts, insights and tables."""
