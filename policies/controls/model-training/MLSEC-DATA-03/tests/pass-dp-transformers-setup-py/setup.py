from setuptools import setup

setup(name="demo-model", extras_require={"eval": ["dp-transformers>=1.0"]})
