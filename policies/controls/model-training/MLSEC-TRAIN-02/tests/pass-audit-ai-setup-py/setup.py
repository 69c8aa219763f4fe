from setuptools import setup

setup(name="demo-model", extras_require={"eval": ["audit-AI>=0.1"]})
