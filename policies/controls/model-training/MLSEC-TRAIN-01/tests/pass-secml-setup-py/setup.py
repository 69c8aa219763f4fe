from setuptools import setup

setup(name="demo-model", extras_require={"eval": ["secml>=0.15"]})
