"""The Gradio page and the /v1 API (`assistant ui`)."""

from index.offline import go_offline

go_offline()  # gradio reads GRADIO_ANALYTICS_ENABLED when it is imported, just below this
