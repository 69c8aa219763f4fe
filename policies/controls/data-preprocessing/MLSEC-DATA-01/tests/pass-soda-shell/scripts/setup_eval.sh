#!/bin/sh
uv pip install soda-core==3.4.1
