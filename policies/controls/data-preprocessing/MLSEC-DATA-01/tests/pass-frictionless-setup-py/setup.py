from setuptools import setup

setup(name="demo-model", extras_require={"eval": ["frictionless>=5.0"]})
