"""Ingestion: loaders, chunking, embeddings, the Chroma store and retrieval.

Importing the package leaves the environment alone; loads of models and clients go offline
first (index.offline.go_offline).
"""
