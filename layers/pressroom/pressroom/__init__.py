"""Pressroom: serverless article publishing (core package, shipped as the Lambda layer)."""

__version__ = "0.1.0"
