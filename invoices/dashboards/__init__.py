"""The dashboards at the top of each space's list page: figures and charts, from aggregates."""
